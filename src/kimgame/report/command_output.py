"""What the ``kimgame`` commands print, in the format asked for: ``text`` (rich tables, cut to size unless
``full``), ``markdown`` or ``json``.

Each function assembles the report sections of one command and draws them with
:func:`kimgame.report.render.render_sections`; the command line only picks the function.
"""

from __future__ import annotations

from kimgame.model.normal_form import NormalFormGame
from kimgame.report.document import result_document, to_json
from kimgame.report.render import render_sections
from kimgame.report.sections import Section, matrix_tables, parameter_section, solve_sections
from kimgame.report.tree_view import tree_sections
from kimgame.solvers.results import SolveResult


def subtitle(game) -> str:
    """The line under a report's title: the file the game was read from (empty if none)."""
    return f"Source: {game.source}" if game.source else ""


def solve_report(result: SolveResult, fmt: str, full: bool = False) -> str:
    """``kimgame solve``: the JSON document, or the solve report of a matrix or tree game."""
    if fmt == "json":
        return to_json(result_document(result))
    game = result.game
    sections = solve_sections(result) if isinstance(game, NormalFormGame) else tree_sections(result)
    return render_sections(game.title, subtitle(game), sections, fmt, cut=not full)


def payoff_report(game: NormalFormGame, full: bool = False) -> str:
    """``kimgame show`` of a normal-form game: its parameters and payoff matrix as text."""
    sections = [s for s in (parameter_section(game), Section("Payoffs", matrix_tables(game))) if s]
    return render_sections(game.title, subtitle(game), sections, "text", cut=not full)


def tree_legend(result: SolveResult | None) -> str:
    """The line under ``kimgame show``'s drawing of a tree: what ★ marks (``result`` None: the tree has no
    perfect recall, so nothing is marked)."""
    if result is None:
        return ("this tree does not have perfect recall: subgame perfection is not defined for it and no "
                "move is marked (kimgame solve gives the equilibria of its reduced normal form)")
    spe_count = sum(1 for e in result.equilibria if e.subgame_perfect)
    return "★ marks the moves of the subgame-perfect equilibrium" + (" (the first of several)" if spe_count > 1
                                                                      else "")


def analysis_report(game, analyses, fmt: str, *, latex: bool = False, full: bool = False) -> str:
    """``kimgame analyze``: the JSON document, or each claim's condition, regimes, thresholds and Monte Carlo
    shares as text or markdown (``latex``: each condition in LaTeX too; ``full``: long conditions whole)."""
    from kimgame.report.analysis_sections import (  # imports sympy
        analysis_document,
        analysis_sections,
        compact_parameters,
    )

    if fmt == "json":
        return to_json(analysis_document(game, analyses))
    params = parameter_section(game) if full else compact_parameters(game)
    sections = [s for s in [params] if s] + analysis_sections(analyses, full=full)
    if latex:
        sections.append(Section("LaTeX", tuple(f"{a.claim.id}: ${a.latex}$" for a in analyses if a.latex)))
    return render_sections(f"{game.title}: when do the claims hold?", subtitle(game), sections, fmt, cut=False)


def sampled_solves_report(game, samples, fmt: str) -> str:
    """``kimgame analyze --samples N --solve``: the shares of exact solves at sampled points where each claim
    holds (``samples`` a :class:`kimgame.analysis.solve_samples.SolveSamples`)."""
    if fmt == "json":
        return to_json(samples.to_dict())
    title = f"{game.title}: when do the claims hold? (exact solves at sampled points)"
    sections = [Section("Monte Carlo of exact solves", tuple(samples.lines()))]
    return render_sections(title, subtitle(game), sections, fmt, cut=False)
