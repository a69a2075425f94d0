"""The package version, in a module of its own so that any layer can read it without importing
``kimgame`` (whose ``__init__`` loads the report layer's displays)."""

__version__ = "0.1.0"
