"""``python -m kimgame`` runs the command line."""

from kimgame.cli import main

main()
