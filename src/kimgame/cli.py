"""The ``kimgame`` command line: parse arguments, call the library, pick a renderer. No game logic here.

Exit codes (DESIGN.md contract): 0 done; 2 bad input or usage; 3 a solver limit was reached.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from typing import Annotated, Optional

import typer

from kimgame.errors import KimgameError
from kimgame.model.normal_form import NormalFormGame

app = typer.Typer(
    name="kimgame",
    help="Exact, parametric game solver: equilibria, dominance, and when a strategic claim holds.",
    add_completion=True,  # --install-completion / --show-completion (bash, zsh, fish, PowerShell)
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

EXIT_BAD_INPUT = 2
EXIT_LIMIT = 3


def _version_callback(value: bool) -> None:
    if value:
        from kimgame._version import __version__

        sys.stdout.write(f"kimgame {__version__}\n")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[Optional[bool], typer.Option("--version", callback=_version_callback, is_eager=True,  # noqa: UP045
                                                    help="Print the version and exit.")] = None,
) -> None:
    """Exact, parametric game solver: equilibria, dominance, and when a strategic claim holds."""


FullOption = Annotated[bool, typer.Option("--full", help="Print long tables and lists in full (text and "
                                          "markdown cut them to 40 rows and 12 columns, saying so).")]


class Format(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


SetOption = Annotated[
    Optional[list[str]],  # noqa: UP045 - typer needs Optional here on Python 3.10
    typer.Option("--set", "-s", help="Override a parameter: NAME=VALUE (exact: 0.4 or 2/5). Repeatable.",
                 metavar="NAME=VALUE"),
]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
FileArg = Annotated[str, typer.Argument(help="Payoff file: .yaml (kimgame format), .nfg or .efg (Gambit).",
                                        metavar="FILE")]


def _install_limits(ctx: typer.Context, items: list[str] | None) -> list[str] | None:
    """Put the size limits of ``KIMGAME_LIMITS`` and ``--limit`` in force for the rest of the command."""
    from kimgame.limits import DEFAULT_LIMITS, limits_from_environment, limits_in_force, parse_limits

    limits = parse_limits(items or [], limits_from_environment(os.environ.get("KIMGAME_LIMITS"), DEFAULT_LIMITS))
    ctx.with_resource(limits_in_force(limits))  # undone when the command's context closes
    return items


LimitOption = Annotated[
    Optional[list[str]],  # noqa: UP045 - typer needs Optional here on Python 3.10
    typer.Option("--limit", help="Change a limit: NAME=N (repeatable). Size limits: file_bytes, yaml_values, nodes, "
                 "profiles, reduced_profiles; what solve computes or lists: pure_profiles, nash_profiles, "
                 "auto_nash_profiles, auto_pure_profiles, subgame_profiles, spe_combinations, spe_listed, behavior_entries, "
                 "nash_listed, condition_pieces, path_steps, support_profiles, polynomial_players, pivots; the budget: "
                 "memory (resident memory, default 2GiB; e.g. memory=4GiB), budget (seconds the default solve "
                 "plans for, default 10) (defaults in docs/cli.md). Also "
                 "KIMGAME_LIMITS='NAME=N ...'.", metavar="NAME=N", callback=_install_limits),
]


def _overrides(assignments: list[str] | None) -> dict[str, object]:
    from kimgame.model.parameters import parse_assignment

    out: dict[str, object] = {}
    for text in assignments or []:
        name, value = parse_assignment(text)
        out[name] = value
    return out


def _load(path: str, assignments: list[str] | None):
    from kimgame.io.loader import load

    return load(path, _overrides(assignments))


def _emit(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


TEXT_CONDITION_PARAMETERS = 6  # solve's text shows a tree's conditions up to this many parameters


@app.command()
def solve(
    file: FileArg,
    set_: SetOption = None,
    limit: LimitOption = None,
    format: FormatOption = Format.text,
    method: Annotated[str, typer.Option(help="auto (default: enummixed if its estimate fits the 10 s budget, "
                                        "else exact Lemke-Howson), enummixed (all extreme equilibria, exact), "
                                        "lemke-howson, support, vertex, nashpy-lemke-howson, pure; trees: auto, "
                                        "enummixed, spe, pure, sequence-lcp (one equilibrium, exact), sequence-lp "
                                        "(zero-sum: value and optimal strategies).")] = "auto",
    timeout: Annotated[Optional[float], typer.Option(help="Time limit in SECONDS for every step (equilibria, "  # noqa: UP045
                                                     "dominance, claims); partial results are marked and the "
                                                     "exit code is 3.")] = None,
    conditions: Annotated[Optional[bool], typer.Option(  # noqa: UP045
        help="Derive each claim's exact parameter condition (cached by the game's content). Default: always "
        f"for matrices and JSON; in text, for trees of at most {TEXT_CONDITION_PARAMETERS} parameters (a larger "
        "tree's condition is kimgame analyze's job).")] = None,
    full: FullOption = False,
) -> None:
    """Solve a game: payoffs, equilibria (exact), dominance, and the file's claims."""
    from kimgame.analysis.solve import solve as run_solve
    from kimgame.solvers.clock import show_progress

    show_progress(sys.stderr)
    game = _load(file, set_)
    hint = ""
    if conditions is None:  # derive only what is printed
        conditions = not (format is not Format.json and not isinstance(game, NormalFormGame) and game.claims
                          and len(game.parameters) > TEXT_CONDITION_PARAMETERS)
        if not conditions:
            hint = (f"\nThe claims' exact conditions on these {len(game.parameters)} parameters: kimgame analyze "
                    f"{file} (regimes of each side's play, thresholds, knife-edges), or --format json.")
    result = run_solve(game, method=method, timeout=timeout, conditions=conditions)
    _emit(render_result(result, format, full=full) + hint)
    if result.partial:
        raise typer.Exit(EXIT_LIMIT)


def render_result(result, format: Format, full: bool = False) -> str:
    """The solve report in the chosen format (text and markdown cut to size unless ``full``)."""
    if format is Format.json:
        from kimgame.report.document import result_document, to_json

        return to_json(result_document(result))
    from kimgame.report.render import render_markdown, render_text
    from kimgame.report.sections import solve_sections

    game = result.game
    subtitle = f"Source: {game.source}" if game.source else ""
    if not isinstance(game, NormalFormGame):
        from kimgame.report.tree_view import tree_sections

        sections = tree_sections(result)
    else:
        sections = solve_sections(result)
    if not full:
        from kimgame.report.cut import cut_sections

        sections = cut_sections(sections)
    if format is Format.markdown:
        return render_markdown(game.title, subtitle, sections)
    return render_text(game.title, subtitle, sections)


@app.command()
def show(
    file: FileArg,
    set_: SetOption = None,
    limit: LimitOption = None,
    dot: Annotated[bool, typer.Option("--dot", help="Print Graphviz DOT instead (information sets dashed).")] = False,
    output: Annotated[Optional[str], typer.Option("--output", "-o", help="Write to this file instead of "  # noqa: UP045
                                                  "standard output.")] = None,
    full: FullOption = False,
) -> None:
    """Draw the game: the tree (subgame-perfect path highlighted) or the payoff matrix."""
    game = _load(file, set_)
    if not isinstance(game, NormalFormGame):
        from kimgame.analysis.solve_tree import solve_tree
        from kimgame.model.tree_checks import recall_problem

        no_recall = recall_problem(game) is not None  # no subgame perfection without perfect recall: nothing starred
        result = None if no_recall else solve_tree(game, method="spe", conditions=False)
        if dot:
            from kimgame.report.tree_view import to_dot

            text = to_dot(game, result)
        else:
            from kimgame.report.tree_view import rich_tree

            spe_count = 0 if result is None else sum(1 for e in result.equilibria if e.subgame_perfect)
            legend = "★ marks the moves of the subgame-perfect equilibrium" + (
                " (the first of several)" if spe_count > 1 else "")
            if no_recall:
                legend = ("this tree does not have perfect recall: subgame perfection is not defined for it and no "
                          "move is marked (kimgame solve gives the equilibria of its reduced normal form)")
            tree = rich_tree(game, result)
            if output is None and sys.stdout.isatty():  # colours on a terminal
                from rich.console import Console

                Console().print(tree)
                _emit(legend)
                return
            text = _render_rich(tree) + legend
    else:
        if dot:
            raise KimgameError("--dot draws game trees; this is a normal-form game (use kimgame show without --dot)")
        from kimgame.report.render import render_text
        from kimgame.report.sections import Section, matrix_tables, parameter_section

        sections = [s for s in (parameter_section(game), Section("Payoffs", matrix_tables(game))) if s]
        if not full:
            from kimgame.report.cut import cut_sections

            sections = cut_sections(sections)
        text = render_text(game.title, f"Source: {game.source}" if game.source else "", sections)
    if output:
        from pathlib import Path

        from kimgame.io.editing import atomic_write

        atomic_write(Path(output), text if text.endswith("\n") else text + "\n")
        sys.stderr.write(f"wrote {output}\n")
    else:
        _emit(text)


def _render_rich(renderable) -> str:
    import io

    from rich.console import Console

    buf = io.StringIO()
    Console(file=buf, width=110, color_system=None, highlight=False).print(renderable)
    return buf.getvalue()


FreeOption = Annotated[Optional[list[str]], typer.Option("--free", help="Analyse only these parameters "  # noqa: UP045
                                                        "(comma-separated or repeated); the others are held at "
                                                        "their values.", metavar="NAMES")]


def _focus(game, free: list[str] | None):
    if not free:
        return game
    from kimgame.analysis.focus import focus

    return focus(game, [n.strip() for item in free for n in item.split(",") if n.strip()])


DaskOption = Annotated[Optional[str], typer.Option(  # noqa: UP045
    "--dask", metavar="[ADDRESS]", help="Run on Dask (needs: pip install 'kimgame\\[dask]'): on the scheduler at "
    "ADDRESS (tcp://HOST:8786), or with no address on a LocalCluster sized to this machine.")]
DASK_LOCAL = "local"  # the value --dask gets when no address follows it (see _dask_without_address)


def _dask_without_address(argv: list[str]) -> list[str]:
    """``--dask`` followed by nothing or by another option means a LocalCluster: give it the value 'local'
    (typer has no options with an optional value)."""
    out = list(argv)
    for k in range(len(out) - 1, -1, -1):
        if out[k] == "--dask" and (k + 1 == len(out) or out[k + 1].startswith("-")):
            out.insert(k + 1, DASK_LOCAL)
    return out


@contextmanager
def _dask_client(dask: str | None) -> Iterator[object]:
    """The Dask client of ``--dask`` (None without it: nothing of Dask is imported)."""
    if dask is None:
        yield None
        return
    from kimgame.analysis.distributed import client_for

    with client_for(None if dask == DASK_LOCAL else dask) as client:
        yield client


ClaimOption = Annotated[Optional[list[str]], typer.Option("--claim", "-c", help="Only this claim (by id). "  # noqa: UP045
                                                          "Repeatable.", metavar="ID")]


@app.command()
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

    game = _focus(_load(file, set_), free)
    if solve or dask is not None or point_timeout is not None:
        _sampled_solves(game, claim, samples, seed, timeout, point_timeout, solve, dask, format)
        return
    option = (f"analyze claim={claim} samples={samples} seed={seed} latex={latex} full={full} "
              f"max_pieces={max_pieces} format={format.value} columns={os.environ.get('COLUMNS')}")
    options = (option,)
    cached = load_report(game, options) if timeout is None else None
    if cached is not None:  # keyed by the game's content, values and these options (condition_cache)
        _emit(cached["text"])
        return
    from kimgame.analysis.analyze import analyze as run_analyze

    analyses = run_analyze(game, claim or None, samples=samples, seed=seed, max_pieces=max_pieces, timeout=timeout)
    if not analyses:
        raise KimgameError(f"{file} has no claims to analyse; add a 'claims:' list (see docs/yaml-format.md)")
    if format is Format.json:
        from kimgame.report.analysis_sections import analysis_document
        from kimgame.report.document import to_json

        text = to_json(analysis_document(game, analyses))
    else:
        text = _analysis_text(game, analyses, latex, full, format)
    _emit(text)
    if any(a.partial for a in analyses):
        raise typer.Exit(EXIT_LIMIT)
    store_report(game, options, {"text": text})


def _sampled_solves(game, claim, samples: int, seed: int, timeout: float | None, point_timeout: float | None,
                    solve: bool, dask: str | None, format: Format) -> None:
    """``analyze --samples N --solve [--dask]``: the Monte Carlo of exact solves."""
    if not solve:
        raise KimgameError("--dask and --point-timeout are for the exact solves of --samples N --solve; add --solve")
    from kimgame.analysis.solve_samples import sample_solves

    with _dask_client(dask) as client:
        result = sample_solves(game, samples, seed, claim or None, timeout=timeout, point_timeout=point_timeout,
                               client=client)
    if format is Format.json:
        from kimgame.report.document import to_json

        _emit(to_json(result.to_dict()))
    else:
        from kimgame.report.render import render_markdown, render_text
        from kimgame.report.sections import Section

        title = f"{game.title}: when do the claims hold? (exact solves at sampled points)"
        subtitle = f"Source: {game.source}" if game.source else ""
        sections = [Section("Monte Carlo of exact solves", tuple(result.lines()))]
        _emit(render_markdown(title, subtitle, sections) if format is Format.markdown
              else render_text(title, subtitle, sections))
    if result.limited:
        raise typer.Exit(EXIT_LIMIT)


def _analysis_text(game, analyses, latex: bool, full: bool, format: Format) -> str:
    """The analysis report as text or markdown."""
    from kimgame.report.analysis_sections import analysis_sections, compact_parameters
    from kimgame.report.render import render_markdown, render_text
    from kimgame.report.sections import parameter_section

    params = parameter_section(game) if full else compact_parameters(game)
    sections = [s for s in [params] if s] + analysis_sections(analyses, full=full)
    if latex:
        from kimgame.report.sections import Section

        sections.append(Section("LaTeX", tuple(f"{a.claim.id}: ${a.latex}$" for a in analyses if a.latex)))
    title = f"{game.title}: when do the claims hold?"
    subtitle = f"Source: {game.source}" if game.source else ""
    return (render_markdown(title, subtitle, sections) if format is Format.markdown
            else render_text(title, subtitle, sections))


class SweepFormat(str, Enum):
    csv = "csv"
    json = "json"


@app.command()
def sweep(
    file: FileArg,
    vary: Annotated[list[str], typer.Option("--vary", "-v", help="NAME=LO:HI:N, a grid axis (exact bounds, "
                                            "N points). One or two, repeatable.", metavar="NAME=LO:HI:N")],
    set_: SetOption = None,
    limit: LimitOption = None,
    claim: ClaimOption = None,
    format: Annotated[SweepFormat, typer.Option("--format", "-f", help="Output format.")] = SweepFormat.csv,
    output: Annotated[Optional[str], typer.Option("--output", "-o", help="Write the table to this file.")] = None,  # noqa: UP045
    plot: Annotated[Optional[str], typer.Option("--plot", help="Draw a region map to this PNG/PDF/SVG file "  # noqa: UP045
                                                "(needs: pip install 'kimgame\\[plot]').", metavar="FILE")] = None,
    dask: DaskOption = None,
    chunk_size: Annotated[Optional[int], typer.Option("--chunk-size", min=1, help="With --dask: grid points per "  # noqa: UP045
                                                      "chunk (default 1,000,000).")] = None,
) -> None:
    """Evaluate claims and the equilibrium outcome on a grid of parameter values (vectorised)."""
    from kimgame.analysis.sweep import sweep as run_sweep
    from kimgame.analysis.sweep_grid import parse_vary

    game = _load(file, set_)
    axes = dict(parse_vary(v) for v in vary)
    if len(axes) != len(vary):
        raise KimgameError("each parameter may be varied once")
    if dask is not None and format is SweepFormat.csv:
        _streamed_sweep(game, axes, claim, output, plot, dask, chunk_size)
        return
    with _dask_client(dask) as client:
        result = run_sweep(game, axes, claims=claim or None, client=client, chunk_size=chunk_size)
    if plot:
        from kimgame.analysis.plot import plot_regions

        plot_regions(result, plot, game)
        sys.stderr.write(f"wrote {plot}\n")
    text = result.to_json() if format is SweepFormat.json else result.to_csv()
    if output:
        from pathlib import Path

        from kimgame.io.editing import atomic_write

        atomic_write(Path(output), text)
        sys.stderr.write(f"wrote {output}\n")
    elif not plot:
        _emit(text)


def _streamed_sweep(game, axes, claim, output: str | None, plot: str | None, dask: str, chunk_size: int | None
                    ) -> None:
    """``sweep --dask``: CSV chunks evaluated and formatted on the workers, written in order (to a temporary
    file renamed when complete), the plot drawn from a sub-grid; a summary on stderr."""
    from kimgame.analysis.sweep_stream import STREAM_CHUNK, sweep_to_csv

    with _dask_client(dask) as client:
        sink = output if output else (None if plot else sys.stdout)  # as without --dask: a plot alone prints no table
        streamed = sweep_to_csv(game, axes, sink, claim or None, client=client,
                                chunk_size=chunk_size or STREAM_CHUNK, plot=bool(plot))
    if output:
        sys.stderr.write(f"wrote {output} ({streamed.points} rows)\n")
    if plot and streamed.plot is not None:
        from kimgame.analysis.plot import plot_regions

        plot_regions(streamed.plot, plot, game)
        shape = " × ".join(map(str, streamed.plot.shape))
        sys.stderr.write(f"wrote {plot} (drawn from a {shape} sub-grid)\n")
    sys.stderr.write(streamed.text + "\n")


@app.command()
def report(
    file: FileArg,
    output: Annotated[str, typer.Option("--output", "-o", help="The HTML file to write.", metavar="FILE")],
    set_: SetOption = None,
    limit: LimitOption = None,
    timeout: Annotated[Optional[float], typer.Option(help="Time limit in SECONDS for the solve and the claims' "  # noqa: UP045
                                                     "derivations together; the page says what was cut, "
                                                     "exit code 3.")] = None,
) -> None:
    """Write one self-contained HTML page (sliders re-evaluate the claims and the path exactly; no network).
    Exit code 3 when --timeout cut the solve or a derivation short (the page says so)."""
    from pathlib import Path

    from kimgame.io.editing import atomic_write
    from kimgame.report.html_page import report_html, solve_and_analyze

    game = _load(file, set_)
    result, analyses, partial = solve_and_analyze(game, timeout)
    atomic_write(Path(output), report_html(game, result, analyses, source_file=Path(file).name))
    sys.stderr.write(f"wrote {output}" + (" (partial: a time limit was reached)" if partial else "") + "\n")
    if partial:
        raise typer.Exit(EXIT_LIMIT)


@app.command()
def validate(file: FileArg, set_: SetOption = None, limit: LimitOption = None) -> None:
    """Check a payoff file and explain every problem found (exit 2 if there are any)."""
    game = _load(file, set_)
    size = " × ".join(str(k) for k in game.shape) if isinstance(game, NormalFormGame) else f"{game.num_nodes} nodes"
    _emit(f"{file}: OK — {game.form}-form game '{game.title}', players {', '.join(game.players)}, {size}, "
          f"{len(game.parameters)} parameter(s), {len(game.claims)} claim(s)")


@app.command("set")
def set_command(
    file: FileArg,
    assignments: Annotated[Optional[list[str]], typer.Argument(help="NAME=VALUE, exact (0.4, 2/5, 120).",  # noqa: UP045
                                                               metavar="NAME=VALUE...")] = None,
    range_: Annotated[Optional[list[str]], typer.Option("--range", help="NAME=LOW:HIGH, a new allowed range.",  # noqa: UP045
                                                        metavar="NAME=LOW:HIGH")] = None,
    doc: Annotated[Optional[list[str]], typer.Option(help="NAME=TEXT, a new one-line doc.", metavar="NAME=TEXT")] = None,  # noqa: UP045
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the change as a diff; write nothing.")] = False,
    limit: LimitOption = None,
) -> None:
    """Change parameter values (ranges, docs) in a YAML payoff file, keeping comments and layout."""
    from kimgame.io.editing import set_parameters

    def pairs(items: list[str] | None, what: str) -> dict[str, str]:
        out = {}
        for item in items or []:
            key, sep, value = item.partition("=")
            if not sep or not key.strip():
                raise KimgameError(f"{what} expects NAME=... (got '{item}')")
            out[key.strip()] = value
        return out

    values = pairs(assignments, "kimgame set")
    ranges = {}
    for key, text in pairs(range_, "--range").items():
        low, sep, high = text.partition(":")
        if not sep:
            raise KimgameError(f"--range {key}={text}: write the range as LOW:HIGH, e.g. 0:1")
        ranges[key] = (low, high)
    docs = pairs(doc, "--doc")
    if not (values or ranges or docs):
        raise KimgameError("nothing to set: give NAME=VALUE (and/or --range, --doc)")
    edit = set_parameters(file, values, ranges=ranges, docs=docs, dry_run=dry_run)
    if dry_run:
        _emit(edit.diff or "no change")
    else:
        changed = ", ".join([*values, *(f"range of {k}" for k in ranges), *(f"doc of {k}" for k in docs)])
        _emit(f"{file}: set {changed}" if edit.written else f"{file}: already as asked; not rewritten")


@app.command()
def convert(
    source: Annotated[str, typer.Argument(help="Game file to read: .yaml (kimgame), .nfg or .efg (Gambit).",
                                          metavar="IN")],
    target: Annotated[str, typer.Argument(help="File to write; its extension picks the format: .yaml, .nfg, .efg "
                                          "or .json.", metavar="OUT")],
    set_: SetOption = None,
    limit: LimitOption = None,
) -> None:
    """Convert a game between kimgame YAML, Gambit .nfg/.efg and JSON (a tree written as .nfg is its reduced
    normal form; Gambit files get the current parameter values). Writes atomically."""
    from kimgame.io.export import convert as run_convert

    sys.stderr.write(run_convert(source, target, _overrides(set_)) + "\n")


# ``kimgame solve FILE [options]``, the command run most, is dispatched without typer's parser: typer
# (>= 0.29) imports pydantic (~0.2 s) to convert every parameter. Only the plain forms below take this
# path; anything else (help, an unknown or repeated option, a value typer would reject) goes to typer,
# which parses it or reports the error. tests/test_cli_dispatch.py keeps the two in step.
_SOLVE_OPTIONS = {"--set": "set_", "-s": "set_", "--format": "format", "-f": "format", "--method": "method",
                  "--timeout": "timeout"}
_SOLVE_FLAGS = {"--conditions": ("conditions", True), "--no-conditions": ("conditions", False),
                "--full": ("full", True)}
_SOLVE_TYPER_ONLY = ("--limit",)  # its callback puts the limits in force: always through typer


def _quick_solve_args(argv: list[str]) -> dict[str, object] | None:
    """The arguments of ``solve`` when ``argv`` is a plain ``solve FILE [options]``, else None."""
    if not argv or argv[0] != "solve" or os.environ.get("KIMGAME_LIMITS") or os.environ.get("_KIMGAME_COMPLETE"):
        return None
    args: dict[str, object] = {}
    sets: list[str] = []
    files: list[str] = []
    rest = iter(argv[1:])
    for token in rest:
        if not token.startswith("-"):
            files.append(token)
            continue
        if token in _SOLVE_FLAGS:
            flag_key, flag = _SOLVE_FLAGS[token]
            if flag_key in args:
                return None
            args[flag_key] = flag
            continue
        name, eq, value = token.partition("=")
        key = _SOLVE_OPTIONS.get(name)
        if key is None or (eq and not name.startswith("--")):
            return None
        if not eq:
            following = next(rest, None)
            if following is None or following.startswith("-"):
                return None
            value = following
        if key == "set_":
            sets.append(value)
        elif key in args:
            return None
        else:
            args[key] = value
    if len(files) != 1:
        return None
    timeout = str(args["timeout"]) if "timeout" in args else None
    if timeout is not None and not (timeout.isascii() and timeout.replace(".", "", 1).isdigit()):
        return None  # plain decimals only
    try:
        fmt = Format(args.get("format", Format.text))
    except ValueError:
        return None
    return {"file": files[0], "set_": sets or None, "format": fmt, "method": args.get("method", "auto"),
            "timeout": None if timeout is None else float(timeout), "conditions": args.get("conditions"),
            "full": args.get("full", False)}


def main() -> None:
    """Entry point: run the app, turning input errors into one message and exit code 2."""
    try:
        quick = _quick_solve_args(sys.argv[1:])
        if quick is not None:
            solve(**quick)  # type: ignore[arg-type]
            return
        code = app(args=_dask_without_address(sys.argv[1:]), standalone_mode=False,  # click returns typer.Exit's
                   prog_name="kimgame")                                             # code instead of raising here
        if isinstance(code, int) and code:
            sys.exit(code)
    except KimgameError as err:
        sys.stderr.write(f"error: {err}\n" if err.where is None else f"{err}\n")
        sys.exit(EXIT_BAD_INPUT)
    except typer.Exit as stop:
        sys.exit(stop.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(EXIT_LIMIT)
    except Exception as err:
        if isinstance(err, typer.Abort):
            sys.stderr.write("aborted\n")
            sys.exit(EXIT_LIMIT)
        show = getattr(err, "show", None)
        if callable(show) and hasattr(err, "exit_code"):  # click's usage errors
            show()
            sys.exit(EXIT_BAD_INPUT)
        if os.environ.get("KIMGAME_DEBUG"):
            raise
        sys.stderr.write(f"internal error (a bug in kimgame, please report it): {type(err).__name__}: {err}\n"
                         "Run with KIMGAME_DEBUG=1 to see the traceback.\n")
        sys.exit(1)
