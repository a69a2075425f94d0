"""Pictures of a sweep: where each claim holds and which pure equilibria occur, over one or two parameters.

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
    from matplotlib import colormaps

    cmap = colormaps[palette or ("tab20" if n > 10 else "tab10")]
    return [cmap(k % cmap.N) for k in range(n)]


def plot_regions(sweep_result, out_path: str | Path, game=None) -> Path:
    """Draw ``sweep_result`` (from :func:`kimgame.analysis.sweep.sweep`) to ``out_path``.

    Two varied parameters: the outcome regions (pure equilibria) in colour on the left; on the right
    the region where each claim holds, shaded, with its boundary curve. One parameter: bands along
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
    panels = 2 if r.claims else 1
    fig = Figure(figsize=(6.5 * panels, 6.0), layout="constrained")
    axes = [fig.add_subplot(1, panels, k + 1) for k in range(panels)]
    ax = axes[0]
    ax.pcolormesh(xs, ys, r.outcome_codes.T, shading="nearest", cmap=ListedColormap(colors),
                  vmin=-0.5, vmax=len(names) - 0.5)
    ax.set_title("Subgame-perfect paths of play" if getattr(game, "form", "normal") == "extensive"
                 else "Pure Nash equilibria")
    ax.legend(handles=[Patch(color=c, label=n) for n, c in zip(names, colors)], loc="upper left",
              bbox_to_anchor=(0, -0.18), fontsize="small", frameon=False)
    if panels == 2:
        ax2 = axes[1]
        claim_colors = _colors(max(len(r.claims), 1), "Dark2")
        handles = []
        for (cid, arr), c in zip(r.claims.items(), claim_colors):
            z = arr.T.astype(float)
            if z.min() != z.max():
                ax2.contourf(xs, ys, z, levels=[0.5, 1.5], colors=[c], alpha=0.25)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    ax2.contour(xs, ys, z, levels=[0.5], colors=[c], linewidths=2)
            elif z.min() == 1:
                ax2.contourf(xs, ys, np.ones_like(z), levels=[0.5, 1.5], colors=[c], alpha=0.25)
            share = float(arr.mean())
            handles.append(Patch(facecolor=c, alpha=0.5, label=f"{cid} holds ({share:.0%} of the grid)"))
        ax2.set_title("Where each claim holds")
        ax2.legend(handles=handles, loc="upper left", bbox_to_anchor=(0, -0.18), fontsize="small", frameon=False)
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
    labels = ["pure equilibria"]
    for k, ((cid, arr), c) in enumerate(zip(r.claims.items(), claim_colors)):
        ax.pcolormesh(edges, [k + 1, k + 2], arr[np.newaxis, :].astype(float),
                      cmap=ListedColormap([(1, 1, 1, 0), c]), vmin=0, vmax=1)
        labels.append(f"{cid} holds")
    ax.set_yticks([k + 0.5 for k in range(rows)], labels)
    ax.set_ylim(0, rows)
    ax.set_xlim(edges[0], edges[-1])
    ax.set_xlabel(_label(game, r.parameters[0]), fontsize="small")
    if point is not None:
        ax.axvline(point[0], color="black", linestyle="--", linewidth=1)
    ax.legend(handles=[Patch(color=c, label=n) for n, c in zip(names, colors)], loc="upper left",
              bbox_to_anchor=(0, -0.35), fontsize="small", frameon=False)
    if r.title:
        ax.set_title(r.title)
    return fig


def _edges(xs: np.ndarray) -> np.ndarray:
    """Cell edges around grid points (midpoints between neighbours, half a step beyond the ends)."""
    mid = (xs[1:] + xs[:-1]) / 2
    return np.concatenate([[xs[0] - (mid[0] - xs[0])], mid, [xs[-1] + (xs[-1] - mid[-1])]])
