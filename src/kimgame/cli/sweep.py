"""``kimgame sweep``: the claims and the equilibrium outcome on a grid of parameter values (vectorised), as
CSV or JSON, optionally a region map; with ``--dask``, CSV chunks streamed from the workers."""

from __future__ import annotations

import sys
from enum import Enum
from typing import Annotated, Optional

import typer

from kimgame.cli.dask_option import DaskOption, dask_client
from kimgame.cli.options import ClaimOption, FileArg, LimitOption, SetOption, emit, load_game, write_output
from kimgame.errors import KimgameError


class SweepFormat(str, Enum):
    """The ``--format`` of ``sweep``: ``csv`` (one row per grid point) or ``json``."""
    csv = "csv"
    json = "json"


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

    game = load_game(file, set_)
    axes = dict(parse_vary(v) for v in vary)
    if len(axes) != len(vary):
        raise KimgameError("each parameter may be varied once")
    if dask is not None and format is SweepFormat.csv:
        _streamed_sweep(game, axes, claim, output, plot, dask, chunk_size)
        return
    with dask_client(dask) as client:
        result = run_sweep(game, axes, claims=claim or None, client=client, chunk_size=chunk_size)
    if plot:
        from kimgame.analysis.plot import plot_regions

        plot_regions(result, plot, game)
        sys.stderr.write(f"wrote {plot}\n")
    text = result.to_json() if format is SweepFormat.json else result.to_csv()
    if output:
        write_output(output, text)
    elif not plot:
        emit(text)


def _streamed_sweep(game, axes, claim, output: str | None, plot: str | None, dask: str, chunk_size: int | None
                    ) -> None:
    """``sweep --dask``: CSV chunks evaluated and formatted on the workers, written in order (to a temporary
    file renamed when complete), the plot drawn from a sub-grid; a summary on stderr."""
    from kimgame.analysis.sweep_stream import STREAM_CHUNK, sweep_to_csv

    with dask_client(dask) as client:
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
