"""``kimgame analyze``: when does each claim hold? Its exact condition on the parameters, thresholds,
margins, Monte Carlo shares; or, with ``--samples N --solve``, exact solves at sampled points."""

from __future__ import annotations

import os
from typing import Annotated, Optional

import typer

from kimgame.cli.dask_option import DaskOption, dask_client
from kimgame.cli.options import (
    EXIT_LIMIT,
    ClaimOption,
    FileArg,
    Format,
    FormatOption,
    LimitOption,
    SetOption,
    emit,
    load_game,
)
from kimgame.errors import KimgameError

FreeOption = Annotated[Optional[list[str]], typer.Option("--free", help="Analyse only these parameters "  # noqa: UP045
                                                        "(comma-separated or repeated); the others are held at "
                                                        "their values.", metavar="NAMES")]


def analyze(
    file: FileArg,
    set_: SetOption = None,
    limit: LimitOption = None,
    claim: ClaimOption = None,
    samples: Annotated[int, typer.Option(help="Monte Carlo draws over the declared ranges (0: none).", min=0)] = 0,
    seed: Annotated[int, typer.Option(help="Seed of the Monte Carlo draws (reproducible).")] = 0,
    latex: Annotated[bool, typer.Option("--latex", help="Also print each condition in LaTeX.")] = False,
    free: FreeOption = None,
    full: Annotated[bool, typer.Option("--full", help="Print long conditions in full (JSON always has them).")] = False,
    max_pieces: Annotated[Optional[int], typer.Option(  # noqa: UP045
        "--max-pieces", min=1, help="For trees: pieces of parameter space one node of the symbolic backward "
        "induction may hold before the full condition is given up (default 2000).")] = None,
    timeout: Annotated[Optional[float], typer.Option(help="Time limit in SECONDS for the trees' symbolic "  # noqa: UP045
                                                     "derivations; a claim cut short is judged at the values "
                                                     "only and the exit code is 3.")] = None,
    format: FormatOption = Format.text,
    solve: Annotated[bool, typer.Option("--solve", help="With --samples N: solve the game exactly at N seeded "
                                        "points (no symbolic condition needed) and report each claim's share, "
                                        "the paths met and the points not solved; --timeout bounds the run.")] = False,
    point_timeout: Annotated[Optional[float], typer.Option(  # noqa: UP045
        "--point-timeout", help="With --solve: time budget in SECONDS of each solve; points that reach it are "
        "listed and the exit code is 3.")] = None,
    dask: DaskOption = None,
) -> None:
    """When does each claim hold? Exact condition on the parameters, thresholds, margins, Monte Carlo."""
    from kimgame.analysis.condition_cache import load_report, store_report

    game = load_game(file, set_)
    if free:
        from kimgame.analysis.focus import focus

        game = focus(game, [n.strip() for item in free for n in item.split(",") if n.strip()])
    if solve or dask is not None or point_timeout is not None:
        _sampled_solves(game, claim, samples, seed, timeout, point_timeout, solve, dask, format)
        return
    option = (f"analyze claim={claim} samples={samples} seed={seed} latex={latex} full={full} "
              f"max_pieces={max_pieces} format={format.value} columns={os.environ.get('COLUMNS')}")
    options = (option,)
    cached = load_report(game, options) if timeout is None else None
    if cached is not None:  # keyed by the game's content, values and these options (condition_cache)
        emit(cached["text"])
        return
    from kimgame.analysis.analyze import analyze as run_analyze
    from kimgame.report.command_output import analysis_report

    analyses = run_analyze(game, claim or None, samples=samples, seed=seed, max_pieces=max_pieces, timeout=timeout)
    if not analyses:
        raise KimgameError(f"{file} has no claims to analyse; add a 'claims:' list (see docs/yaml-format.md)")
    text = analysis_report(game, analyses, format.value, latex=latex, full=full)
    emit(text)
    if any(a.partial for a in analyses):
        raise typer.Exit(EXIT_LIMIT)
    store_report(game, options, {"text": text})


def _sampled_solves(game, claim, samples: int, seed: int, timeout: float | None, point_timeout: float | None,
                    solve: bool, dask: str | None, format: Format) -> None:
    """``analyze --samples N --solve [--dask]``: the Monte Carlo of exact solves."""
    if not solve:
        raise KimgameError("--dask and --point-timeout are for the exact solves of --samples N --solve; add --solve")
    from kimgame.analysis.solve_samples import sample_solves
    from kimgame.report.command_output import sampled_solves_report

    with dask_client(dask) as client:
        result = sample_solves(game, samples, seed, claim or None, timeout=timeout, point_timeout=point_timeout,
                               client=client)
    emit(sampled_solves_report(game, result, format.value))
    if result.limited:
        raise typer.Exit(EXIT_LIMIT)
