"""What a result's list of equilibria holds: its *scope*, whether it is *complete*, and its counts.

One function, :func:`coverage`, decides it from the method that ran, the kind of game and what
happened (a search stopped by a time limit, a list cut by a limit, a kind of equilibrium not
enumerated). Every solver goes through it, so ``solver.scope`` / ``solver.complete`` in the JSON,
the text report and :class:`kimgame.solvers.results.Method` say the same thing.

``complete`` is True only when the list holds every member of the set named by ``scope`` and nothing
was cut: pure equilibria of a game that also has mixed ones are complete for the scope "all pure Nash
equilibria" only. ``listed`` is the number of equilibria in the list; ``total`` the number the list
would hold with no limit, where it is known (None otherwise); each :class:`Cut` names the list cut, its
counts and the option that lists more.

The scope "all Nash equilibria" of a two-player game rests on the structure of its Nash set: it is the
union of the products ``conv(X') x conv(Y')`` over the maximal cliques ``X' x Y'`` of extreme equilibria
(D. Avis, G. D. Rosenberg, R. Savani and B. von Stengel (2010), "Enumeration of Nash equilibria for
two-player games", *Economic Theory* 42, 9-37, section 5; after H.-M. Winkels 1979). The set is therefore
finite, and equal to the extreme equilibria, exactly when no extreme strategy of either player is in two
extreme equilibria (:func:`finite_nash_set`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kimgame.model.normal_form import NormalFormGame

ALL_NASH = "all Nash equilibria"
ALL_EXTREME = "all extreme Nash equilibria"
ALL_PURE = "all pure Nash equilibria"
PURE_SPE = "every pure subgame-perfect equilibrium"
SPE_EXTREME = "every subgame-perfect equilibrium built from extreme equilibria of the subgames"
ONE = "one equilibrium"

# nashpy's support and vertex enumeration aim at every extreme equilibrium but may miss some on degenerate
# games: their lists are never marked complete (each equilibrium listed is confirmed exactly).
UNPROVEN = ("support", "vertex")

KINDS = ("matrix-2", "matrix-n", "tree-perfect", "tree-imperfect")


@dataclass(frozen=True, slots=True)
class Cut:
    """A list cut short by a limit: ``listed`` of ``total`` ``what`` (None: not known), and ``more``, the
    option that lists more (e.g. ``--limit spe_listed=N``)."""

    what: str
    listed: int
    total: int | None
    more: str


@dataclass(frozen=True, slots=True)
class Coverage:
    """The scope of a list of equilibria, whether it is complete, its counts, and how to get more."""

    scope: str
    complete: bool
    listed: int
    total: int | None
    cuts: tuple[Cut, ...] = ()
    more: str | None = None


def game_kind(game) -> str:
    """``"matrix-2"``, ``"matrix-n"`` (three or more players), ``"tree-perfect"`` or ``"tree-imperfect"``."""
    if not isinstance(game, NormalFormGame):
        return "tree-perfect" if game.is_perfect_information else "tree-imperfect"
    return "matrix-2" if len(game.players) == 2 else "matrix-n"


def coverage(method: str, kind: str, listed: int, *, stopped: bool = False, cuts: Iterable[Cut] = (),
             unsolved: bool = False, finite: bool = False, nf_step: str = "none", pure_spe: bool = False,
             one_spe: bool = False, more: str | None = None) -> Coverage:
    """The :class:`Coverage` of a list of ``listed`` equilibria found by ``method`` on a game of ``kind``.

    What happened: ``stopped`` — a time limit, Ctrl-C or a pivot limit stopped the search; ``cuts`` —
    lists cut by a limit; ``unsolved`` — part of the search space was not enumerated (e.g. a support
    profile of the polynomial method with a non-linear continuum; nashpy's support and vertex enumeration,
    which may miss equilibria of degenerate games, always count as such); ``finite`` — the Nash set is known to
    be finite and equal to what the method enumerates (:func:`finite_nash_set`). Trees: ``nf_step`` —
    what was enumerated on the reduced normal form (``"extreme"``, ``"pure"`` or ``"none"``),
    ``pure_spe`` — the subgames were solved for pure equilibria only; ``one_spe`` — some subgame was
    solved for one equilibrium (its sequence form), so the subgame-perfect list promises one. ``more``: the option that widens
    the scope (e.g. ``--method enummixed``), quoted when nothing was cut.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind of game {kind!r}")
    cuts = tuple(cuts)
    everything = ALL_NASH if finite else ALL_EXTREME
    if kind in ("matrix-2", "matrix-n"):
        scope = {"enummixed": everything, "polynomial": everything, "pure": ALL_PURE,
                 "lemke-howson": ONE, "support": ALL_EXTREME, "vertex": ALL_EXTREME,
                 "nashpy-lemke-howson": ONE}[method]
        unsolved = unsolved or method in UNPROVEN
    elif method in ("sequence-lcp", "sequence-lp"):
        scope = ONE
    else:
        spe = ONE if one_spe else PURE_SPE if kind == "tree-perfect" or pure_spe else SPE_EXTREME
        scope = spe if method == "spe" else {"extreme": everything, "pure": ALL_PURE, "none": spe}[nf_step]
    if scope == ONE:  # the list promises one equilibrium: cut lists beside it take nothing from that
        complete = listed >= 1 and not stopped
    else:
        complete = not (stopped or cuts or unsolved)
    total: int | None = listed
    if stopped or unsolved or any(c.total is None for c in cuts):
        total = None
    else:
        total = listed + sum((c.total or 0) - c.listed for c in cuts)
    if cuts:
        more = cuts[0].more
    return Coverage(scope, complete, listed, total, cuts, more)


def finite_nash_set(equilibria: Sequence[Sequence[Sequence]]) -> bool:
    """True when the extreme equilibria ``equilibria`` (pairs of mixed strategies) of a two-player game
    are its whole Nash set: no strategy of either player appears in two of them (see the module notes).
    An empty list is not a finite Nash set (every finite game has an equilibrium: something is missing)."""
    if not equilibria:
        return False
    rows = [tuple(e[0]) for e in equilibria]
    cols = [tuple(e[1]) for e in equilibria]
    return len(set(rows)) == len(rows) and len(set(cols)) == len(cols)


def coverage_text(c: Coverage) -> str:
    """One line for the text report: ``Scope: all extreme Nash equilibria — complete (3 listed)`` or
    ``... — NOT complete: 100 of 188,779,163,811,840 subgame-perfect equilibria listed (--limit spe_listed=N
    lists more)``."""
    head = f"Scope: {c.scope} — "
    if c.complete:
        tail = f"complete ({c.listed} listed)"
        if c.more:
            tail += f"; {c.more} for more kinds of equilibria"
        return head + tail
    parts = [f"{cut.listed:,} of {_count(cut.total)} {cut.what} listed ({cut.more} lists more)" for cut in c.cuts]
    if not parts:
        parts = [f"{c.listed} listed; the search did not finish or cannot guarantee it found them all (see notes)"]
    return head + "NOT complete: " + "; ".join(parts)


def _count(n: int | None) -> str:
    return "an unknown number of" if n is None else f"{n:,}"
