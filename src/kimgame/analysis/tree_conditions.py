"""The exact region of parameter space where a claim about a game tree holds.

Method: backward induction (Kuhn 1953; Selten 1965, subgame perfection) carried out on all parameter
values at once; the piecewise construction is ours.

The cells of every subgame below the claim are built by
:class:`~kimgame.analysis.symbolic_backward_induction.SymbolicBackwardInduction` (see there: cells are
disjoint parts of the parameter box, each a conjunction of sign conditions on polynomials in the
parameters, :mod:`kimgame.analysis.sign_regions`, with the set of what the subgame's subgame-perfect
equilibria can give there). A cell is dropped only when it is proved empty on the box of declared ranges
(:class:`~kimgame.analysis.sign_box.Box`: exact ranges, exact linear programs with nonlinear terms
relaxed).

At the top decision the claim is read off without splitting: "every SPE" holds where each candidate
out either fails to be an SPE choice or satisfies the claim, "some SPE" where one candidate is an SPE
choice and satisfies it (only candidates not provably dominated on the box are written out). Disjoint
cells with sets of outs, rather than overlapping pieces with weak inequalities, make "every" a matter
of reading the sets: no region has to be negated.

The conditions quantify over the SPE that backward induction builds from pure choices (what
``kimgame solve --method spe`` lists); where a mover is indifferent an SPE may also mix between the
tied actions (``solve`` lists such SPE when it enumerates the reduced normal form), which the condition
does not consider: that can make a difference only where some mover is indifferent.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kimgame.analysis.sign_regions import region_to_sympy, simplify_region
from kimgame.analysis.sign_terms import NEG, POS, TRUE, ZERO, Term
from kimgame.analysis.symbolic_backward_induction import SymbolicBackwardInduction
from kimgame.analysis.symbolic_cells import Out, payoff
from kimgame.errors import KimgameError
from kimgame.model.claims import Claim, Dominates, Outcome, Plays
from kimgame.model.tree import Decision, ExtensiveFormGame, Terminal
from kimgame.solvers.clock import Clock

if TYPE_CHECKING:  # pragma: no cover
    import sympy

__all__ = ["MAX_PIECES", "TreeRegion", "tree_claim_condition", "tree_claim_region", "tree_outcome_regions"]

MAX_PIECES = 2_000  # cells held or produced at one node before SolverLimit (singapore.yaml needs 445)


@dataclass(frozen=True)
class TreeRegion:
    """The condition of a tree claim with how it was obtained.

    ``condition``: the sympy Boolean (``Or`` of ``And`` of relations, or ``true``/``false``);
    ``terms``/``atoms``: its number of conjunctions and of relations (0 for ``true``/``false``);
    ``cells``: the largest number of pieces of parameter space one node of the backward induction
    held; ``seconds``: the time taken."""

    condition: sympy.Boolean
    terms: int
    atoms: int
    cells: int
    seconds: float


def tree_claim_condition(game: ExtensiveFormGame, claim: Claim | Plays | Outcome | Dominates, *,
                         max_pieces: int = MAX_PIECES, clock: Clock | None = None) -> sympy.Boolean:
    """The exact condition on the parameters under which the tree claim holds, as a sympy Boolean.

    ``Plays`` (player chooses the action at the information set with probability 1) and ``Outcome`` (the
    probability of the outcome labels meets the bounds), in every or some subgame-perfect equilibrium
    that backward induction builds from pure choices (ties give several; mixing at ties is not
    considered), by symbolic backward induction (Kuhn 1953, Selten 1965; the piecewise construction is kimgame's:
    see the module notes). Parameters are real symbols named like the parameters; the condition is a
    disjunction of conjunctions of relations with integer coefficients, valid on the box of declared
    ranges (``true``/``false`` when it holds everywhere/nowhere there).

    ``Dominates`` claims are about the tree's reduced normal form: their condition comes from
    :func:`kimgame.analysis.conditions.claim_condition`, which calls this function for the others.
    Raises ``NotImplementedError`` for claims about Nash equilibria and for trees with imperfect
    information other than one player's information sets inside a subgame where only that player moves
    (their conditions are available numerically only), and :class:`~kimgame.errors.SolverLimit` when a
    node would hold more than ``max_pieces`` cells or the work runs past ``clock``'s deadline
    (a :class:`kimgame.solvers.clock.Clock`).
    """
    return tree_claim_region(game, claim, max_pieces=max_pieces, clock=clock).condition


def tree_claim_region(game: ExtensiveFormGame, claim: Claim | Plays | Outcome | Dominates, *,
                      max_pieces: int = MAX_PIECES, clock: Clock | None = None) -> TreeRegion:
    """:func:`tree_claim_condition` with its size (terms, atoms), the largest number of cells held at a
    node and the time taken (a :class:`TreeRegion`)."""
    start = time.perf_counter()
    spec = claim.spec if isinstance(claim, Claim) else claim
    if not isinstance(spec, (Plays, Outcome)):  # Dominates: kimgame.analysis.conditions.claim_condition
        raise NotImplementedError(f"no parameter condition for claims of kind {type(spec).__name__}")
    if spec.equilibrium != "spe":
        raise NotImplementedError(
            f"the parameter condition of '{spec.describe()}' is only available numerically: kimgame derives "
            "conditions for subgame-perfect equilibria of trees (equilibrium: spe), not for all Nash equilibria")
    if spec.quantifier not in ("every", "some"):
        raise KimgameError(f"unknown quantifier '{spec.quantifier}' (use every or some)")
    solver = _ClaimSolver(game, max_pieces, clock=clock)
    if isinstance(spec, Plays):
        terms = solver.plays(spec)
    else:
        terms = solver.outcome(spec)
    terms = simplify_region(terms, solver.box)
    cond = region_to_sympy(terms, solver.box)
    trivial = not terms or not terms[0].cons  # false, or true (the empty conjunction)
    return TreeRegion(cond, 0 if trivial else len(terms), sum(len(t) for t in terms), solver.largest,
                      time.perf_counter() - start)


def tree_outcome_regions(game: ExtensiveFormGame, *, max_pieces: int = MAX_PIECES
                         ) -> list[tuple[sympy.Boolean, str]]:
    """For each path of play of a subgame-perfect equilibrium, the region of parameters where it is one:
    a list of ``(condition, path label)`` sorted by label.

    A path label lists the actions taken from the root, ``"silence > dismantle > status_quo"``; at a
    chance node every outcome's continuation is shown, ``"pressure > [insulted: stall > status_quo |
    not_insulted: dismantle > ease]"``. Regions of different paths overlap only where a mover is
    indifferent (there several SPE paths exist); together they cover the box of declared ranges.
    Symbolic backward induction as in :func:`tree_claim_condition`.
    """
    solver = _ClaimSolver(game, max_pieces, mode="path")
    by_label = solver.paths()
    out = []
    for label in sorted(by_label):
        out.append((region_to_sympy(simplify_region(by_label[label], solver.box), solver.box), label))
    return out


# --------------------------------------------------------------------------------------------------
# reading the claim off the top of its subgame


class _ClaimSolver(SymbolicBackwardInduction):
    """The symbolic backward induction with the claim read off the top decision without splitting cells."""

    # ---- the claims -----------------------------------------------------------------------------

    def plays(self, spec: Plays) -> list[Term]:
        """The terms where ``spec`` holds (the subgame of the information set decides it)."""
        game = self.game
        h = game.infoset(spec.infoset)
        player = game.player_index(spec.player)
        if h.player != player:
            raise KimgameError(f"information set '{spec.infoset}' belongs to {game.players[h.player]}, "
                               f"not to {spec.player}")
        if spec.action not in h.actions:
            raise KimgameError(f"no action '{spec.action}' at '{spec.infoset}' (actions: {', '.join(h.actions)})")
        want = h.actions.index(spec.action)
        self.mode = "plays"
        self._plays_nodes = frozenset(h.nodes)
        self._plays_infoset = h.label
        root = self.stage_of(h.nodes[0])
        return self.claim_region(root, spec.quantifier == "every",
                                 lambda o: [TRUE] if o[1] == want else [])

    def outcome(self, spec: Outcome) -> list[Term]:
        """The terms where ``spec`` holds."""
        self.mode = "outcome"
        self._outcomes = frozenset(spec.outcomes)
        bounds = [(op, self.ratio(f)) for op, f in spec.bounds()]
        masks = {">=": POS | ZERO, ">": POS, "<=": NEG | ZERO, "<": NEG}

        def good(o: Out) -> list[Term]:
            region = [TRUE]
            for op, b in bounds:
                region = self.dnf_and(region, self.atom((o[1] - b).num, masks[op]))
            return region

        return self.claim_region(0, spec.quantifier == "every", good)

    def paths(self) -> dict[str, list[Term]]:
        """For each SPE path label, the terms where some SPE follows it."""
        self.mode = "path"
        out: dict[str, list[Term]] = {}
        for t, candidates in self.root_cells(0):
            for o, opt, _ in candidates:
                out.setdefault(o[1], []).extend(opt(t))
        return out

    def claim_region(self, root: int, every: bool, good: Callable[[Out], list[Term]]) -> list[Term]:
        """Where every (or some) SPE of the subgame at ``root`` has an out satisfying ``good`` (a region
        for each out)."""
        box = self.box
        out: list[Term] = []
        for t, candidates in self.root_cells(root):
            if every:  # for each candidate: not an SPE out here, or good
                base: Term | None = t
                factors = []
                for o, _, notopt in candidates:
                    g = good(o)
                    if any(not x.cons for x in g):
                        continue
                    f = notopt(t) + g
                    if len(f) == 1 and base is not None:  # one term: conjoin now, check once below
                        base = box.conjoin(base, f[0])
                    else:
                        factors.append(f)
                if base is None or not box.feasible(base):
                    continue
                region = [base]
                for f in factors:
                    region = self.dnf_and(region, f, root)
                    if not region:
                        break
                out.extend(region)
            else:
                for o, opt, _ in candidates:
                    g = good(o)
                    if g:
                        out.extend(self.dnf_and(opt(t), g, root))
        return out

    def root_cells(self, root: int) -> Iterable[tuple[Term, list[tuple[Out, Callable, Callable]]]]:
        """The cells at ``root`` with their candidate outs, each with functions giving (within a term) the
        region where it is an SPE out and the region where it is not.

        At a decision node the children's cells are combined and the comparisons written as regions
        directly (rather than splitting cells, which large sets of tied values at the top would
        multiply); elsewhere the cells' sets are exact."""
        nodes = self.game.nodes
        node = nodes[root]
        if isinstance(node, Terminal):
            self.above = self._above(root)
            yield TRUE, [(self.terminal_out(root), lambda t: [t], lambda t: [])]
            return
        if not (isinstance(node, Decision) and root in self.stages.trivial):
            for outs, terms in self.solve(root)[root].items():
                for t in terms:
                    yield t, [(o, lambda s: [s], lambda s: []) for o in sorted(outs, key=repr)]
            return
        results = self.solve(root, include_root=False)
        kids = [self._child_cells(c, results) for c in node.children]
        i = node.player
        box = self.box
        for sets, t in self._product(kids, root):
            candidates = []
            lowest = [self._frontier(vb, i, lower=True) for vb in sets]
            for a, va in enumerate(sets):
                for val in self._frontier(va, i, lower=False):
                    x = payoff(val[0], i)
                    others = [[(x - payoff(w[0], i)).num for w in lowest[b]] for b in range(len(sets)) if b != a]

                    def opt(s: Term, others: list = others) -> list[Term]:
                        region = [s]
                        for diffs in others:
                            alts = [term for f in diffs for term in self.atom(f, POS | ZERO)]
                            region = self.dnf_and(region, alts, root)
                        return region

                    def notopt(s: Term, others: list = others) -> list[Term]:
                        region = []
                        for diffs in others:  # below every SPE value of another action (emptiness checked later)
                            part: Term | None = s
                            for f in diffs:
                                atom = self.atom(f, NEG)
                                part = box.conjoin(part, atom[0]) if atom and part is not None else None
                            if part is not None:
                                region.append(part)
                        return region

                    candidates.append((self._decision_out(root, node, a, val), opt, notopt))
            yield t, candidates
