"""Pictures of a sweep: where each claim holds and which outcomes (subgame-perfect paths of a tree, pure Nash
equilibria of a matrix game) occur, over one or two parameters.

matplotlib is optional (``pip install 'kimgame[plot]'``) and imported only here, when a plot is
drawn; the figure is rendered with the Agg backend (no window, no global pyplot state), to a file
whose suffix picks the format (``.png``, ``.pdf``, ``.svg``).
"""

from __future__ import annotations

import textwrap
import warnings
from pathlib import Path

import numpy as np

from kimgame.errors import KimgameError
from kimgame.model.tree import ExtensiveFormGame

__all__ = ["plot_regions"]

WRAP = 60  # characters per line of an axis label


def _matplotlib():
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.patches import Patch
    except ImportError:
        raise KimgameError("plotting needs matplotlib: pip install 'kimgame[plot]'") from None
    return Figure, FigureCanvasAgg, Patch


def _label(game, name: str) -> str:
    doc = ""
    if game is not None:
        for p in game.parameters:
            if p.name == name:
                doc = p.doc
    text = f"{name}: {doc}" if doc else name
    return "\n".join(textwrap.wrap(text, WRAP)) or name


def _colors(n: int, palette: str | None = None):
    """``n`` distinct colours: tab10's, then (past 10) tab20's dark shades before its light ones, so that
    no two neighbouring regions get a colour and its own lighter shade."""
    from matplotlib import colormaps

    cmap = colormaps[palette or ("tab20" if n > 10 else "tab10")]
    order = list(range(cmap.N))
    if palette is None and n > 10:
        order = order[0::2] + order[1::2]
    return [cmap(order[k % len(order)]) for k in range(n)]


def _share(arr) -> str:
    """The exact share of grid points where a claim holds: ``"at 2601 of 40401 grid points"``."""
    hits, total = int(arr.sum()), int(arr.size)
    if hits == total:
        return f"at all {total} grid points"
    if hits == 0:
        return f"at none of the {total} grid points"
    return f"at {hits} of {total} grid points"


def _outcome_title(game) -> str:
    return "subgame-perfect paths" if isinstance(game, ExtensiveFormGame) else "pure Nash equilibria"


def plot_regions(sweep_result, out_path: str | Path, game=None) -> Path:
    """Draw ``sweep_result`` (from :func:`kimgame.analysis.sweep.sweep`) to ``out_path``.

    Two varied parameters: the outcome regions (subgame-perfect paths of a tree, pure Nash equilibria of
    a matrix game) in colour on the left; then one panel per claim with the region where it holds,
    shaded, with its boundary curve (claims never share a panel, so overlaps cannot blend into a colour
    the legend does not show); legends give exact counts of grid points. One parameter: bands along
    the axis, one row for the outcome and one per claim. The game's own point (its parameter values)
    is marked when ``game`` is given; axes are labelled with the parameters' docs. Returns the path.
    """
    Figure, FigureCanvasAgg, Patch = _matplotlib()
    r = sweep_result
    out_path = Path(out_path)
    if len(r.parameters) not in (1, 2):
        raise KimgameError(f"a plot shows one or two varied parameters; this sweep varies {len(r.parameters)}")
    names = list(r.outcome_names)
    colors = _colors(len(names))
    point = None
    if game is not None:
        point = [float(game.values[p]) for p in r.parameters]
    if len(r.parameters) == 1:
        fig = _bands(Figure, Patch, r, names, colors, point, game)
    else:
        fig = _regions(Figure, Patch, r, names, colors, point, game)
    FigureCanvasAgg(fig)
    fig.savefig(out_path, dpi=150)
    return out_path


def _regions(Figure, Patch, r, names, colors, point, game):
    from matplotlib.colors import ListedColormap

    xs, ys = r.axes
    panels = 1 + len(r.claims)
    fig = Figure(figsize=(6.5 * panels, 6.0), layout="constrained")
    axes = [fig.add_subplot(1, panels, k + 1) for k in range(panels)]
    ax = axes[0]
    ax.pcolormesh(xs, ys, r.outcome_codes.T, shading="nearest", cmap=ListedColormap(colors),
                  vmin=-0.5, vmax=len(names) - 0.5)
    ax.set_title(_outcome_title(game).capitalize())
    counts = np.bincount(r.outcome_codes.ravel(), minlength=len(names))
    ax.legend(handles=[Patch(color=c, label=f"{n} ({int(k)} of {r.outcome_codes.size} grid points)")
                       for n, c, k in zip(names, colors, counts)],
              loc="upper left", bbox_to_anchor=(0, -0.18), fontsize="small", frameon=False)
    claim_colors = _colors(max(len(r.claims), 1), "Dark2")
    for ax2, (cid, arr), c in zip(axes[1:], r.claims.items(), claim_colors):
        z = arr.T.astype(float)
        if z.min() != z.max():
            ax2.contourf(xs, ys, z, levels=[0.5, 1.5], colors=[c], alpha=0.35)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ax2.contour(xs, ys, z, levels=[0.5], colors=[c], linewidths=2)
        elif z.min() == 1:
            ax2.contourf(xs, ys, np.ones_like(z), levels=[0.5, 1.5], colors=[c], alpha=0.35)
        ax2.set_title(f"Where {cid} holds")
        ax2.legend(handles=[Patch(facecolor=c, alpha=0.5, label=f"{cid} holds {_share(arr)}"),
                            Patch(facecolor="white", edgecolor="grey", label="it does not hold")],
                   loc="upper left", bbox_to_anchor=(0, -0.18), fontsize="small", frameon=False)
    for a in axes:
        a.set_xlabel(_label(game, r.parameters[0]), fontsize="small")
        a.set_ylabel(_label(game, r.parameters[1]), fontsize="small")
        a.set_xlim(xs[0], xs[-1])
        a.set_ylim(ys[0], ys[-1])
        if point is not None:
            a.plot([point[0]], [point[1]], marker="*", markersize=14, color="black", linestyle="none",
                   label="the file's values")
    if r.title:
        fig.suptitle(r.title)
    return fig


def _bands(Figure, Patch, r, names, colors, point, game):
    from matplotlib.colors import ListedColormap

    (xs,) = r.axes
    rows = 1 + len(r.claims)
    fig = Figure(figsize=(8.0, 1.2 + 0.6 * rows + 0.25 * len(names)), layout="constrained")
    ax = fig.add_subplot(1, 1, 1)
    edges = _edges(xs)
    ax.pcolormesh(edges, [0, 1], r.outcome_codes[np.newaxis, :], cmap=ListedColormap(colors),
                  vmin=-0.5, vmax=len(names) - 0.5)
    claim_colors = _colors(max(len(r.claims), 1), "Dark2")
    labels = [_outcome_title(game)]
    for k, ((cid, arr), c) in enumerate(zip(r.claims.items(), claim_colors)):
        ax.pcolormesh(edges, [k + 1, k + 2], arr[np.newaxis, :].astype(float),
                      cmap=ListedColormap([(1, 1, 1, 0), c]), vmin=0, vmax=1)
        labels.append(f"{cid} holds ({_share(arr).removeprefix('at ')})")
    ax.set_yticks([k + 0.5 for k in range(rows)], labels)
    ax.set_ylim(0, rows)
    ax.set_xlim(edges[0], edges[-1])
    ax.set_xlabel(_label(game, r.parameters[0]), fontsize="small")
    if point is not None:
        ax.axvline(point[0], color="black", linestyle="--", linewidth=1)
    counts = np.bincount(r.outcome_codes.ravel(), minlength=len(names))
    ax.legend(handles=[Patch(color=c, label=f"{n} ({int(k)} of {r.outcome_codes.size} grid points)")
                       for n, c, k in zip(names, colors, counts)],
              loc="upper left", bbox_to_anchor=(0, -0.35), fontsize="small", frameon=False)
    if r.title:
        ax.set_title(r.title)
    return fig


def _edges(xs: np.ndarray) -> np.ndarray:
    """Cell edges around grid points (midpoints between neighbours, half a step beyond the ends)."""
    mid = (xs[1:] + xs[:-1]) / 2
    return np.concatenate([[xs[0] - (mid[0] - xs[0])], mid, [xs[-1] + (xs[-1] - mid[-1])]])
