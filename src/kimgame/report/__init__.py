"""Rendering only: what the commands print and the documents they write, built from analysis results.

``command_output.py`` (each command's output in the format asked for: text, markdown, JSON),
``sections.py`` and ``analysis_sections.py`` (the solve and analyze reports), ``document.py`` (the JSON
documents of DESIGN.md's contract), ``render.py`` (text and markdown), ``tree_view.py`` (trees and DOT),
the self-contained HTML page (``html_*.py``, ``report.js``, ``report.css``) and the Jupyter displays
(``notebook.py``). Nothing here computes an equilibrium or a condition.
"""
