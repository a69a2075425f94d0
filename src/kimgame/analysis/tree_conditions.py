"""The exact region of parameter space where a claim about a game tree holds.

Method: backward induction (Kuhn 1953; Selten 1965, subgame perfection) carried out on all parameter
values at once. The piecewise construction below is ours.

Every subgame's solution is a list of *cells*: disjoint parts of the parameter box, each a conjunction
of sign conditions on polynomials in the parameters (:mod:`kimgame.analysis.sign_regions`), and for
each cell the *set* of what the subgame's subgame-perfect equilibria (SPE) can give there — the payoffs
of the players who move above the subgame, and the data the claim needs (the action taken at the
claim's information set, the probability of the claim's outcomes, or the path of play). Where a
mover is indifferent the set has several elements: that is how ties, and so "every" and "some" SPE,
are handled exactly.

* A terminal is one cell (the whole box) with its payoffs.
* A chance node combines one cell of each child (their intersection) and every choice of one element
  per child, weighting payoffs and outcome probabilities by the (symbolic) chance probabilities.
* A decision node of player ``i`` combines one cell of each child; in the intersection, action ``a``
  with child value ``v`` is an SPE choice exactly where for every other action ``b`` some SPE value
  ``w`` of ``b`` has ``v_i - w_i >= 0``. Each comparison that the cell does not decide splits it in
  two (``>= 0`` and ``< 0``), so cells stay disjoint.
* A subgame whose non-singleton information sets all belong to the one player who moves in its
  truncated game (say the US, not observing a type drawn by chance) is solved on that player's
  reduced plans: a plan is chosen exactly where its expected payoff (chance reach probabilities
  times the values of the subgames below) is at least that of every other plan. Other imperfect
  information (simultaneous moves of several players in one subgame) raises ``NotImplementedError``.

Cells with the same set are merged (a region becomes a union of cells, its constraints implied by the
others dropped), and only what the claim needs is carried — the payoffs of the players who still move
above, the claim's data — so cells merge as much as possible. A cell is dropped only when it is proved
empty on the box of declared ranges (:class:`~kimgame.analysis.sign_box.Box`: exact ranges, exact
linear programs with nonlinear terms relaxed); a set that comes out empty proves its cell empty too,
since every point has an SPE.

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

import functools
import time
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kimgame.analysis.sign_box import Box
from kimgame.analysis.sign_polynomials import NEG, POS, TRUE, ZERO, Poly, Ratio, Term
from kimgame.analysis.sign_regions import drop_subsumed, region_to_sympy, simplify_region
from kimgame.errors import KimgameError, SolverLimit
from kimgame.expr.tree import Call, Expr, Formula, Neg, Num, Param
from kimgame.model.claims import Claim, Dominates, Outcome, Plays
from kimgame.model.tree import Chance, Decision, ExtensiveFormGame, Terminal
from kimgame.solvers.deadline import Clock

if TYPE_CHECKING:  # pragma: no cover
    import sympy

__all__ = ["MAX_PIECES", "TreeRegion", "tree_claim_condition", "tree_claim_region", "tree_outcome_regions"]

MAX_PIECES = 2_000  # cells held or produced at one node before SolverLimit (singapore.yaml needs 445)
MAX_EXPONENT = 64  # larger powers of parameter expressions are refused

Values = tuple[Ratio | None, ...]
Out = tuple[Values, Any]  # (payoffs of the players who move above, claim data: a Ratio, a label... by mode)
Cells = dict[frozenset, list[Term]]  # set of SPE outs -> the terms (disjoint) where it is that set


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
                         max_pieces: int = MAX_PIECES, deadline: float | None = None) -> sympy.Boolean:
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
    node would hold more than ``max_pieces`` cells or the work runs past ``deadline`` (a
    ``time.monotonic()`` value).
    """
    return tree_claim_region(game, claim, max_pieces=max_pieces, deadline=deadline).condition


def tree_claim_region(game: ExtensiveFormGame, claim: Claim | Plays | Outcome | Dominates, *,
                      max_pieces: int = MAX_PIECES, deadline: float | None = None) -> TreeRegion:
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
    solver = _Solver(game, max_pieces, deadline=deadline)
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
    solver = _Solver(game, max_pieces, mode="path")
    by_label = solver.paths()
    out = []
    for label in sorted(by_label):
        out.append((region_to_sympy(simplify_region(by_label[label], solver.box), solver.box), label))
    return out


# --------------------------------------------------------------------------------------------------
# the symbolic backward induction


class _Undecided(Exception):
    """A comparison the current cell does not decide: split the cell on ``q`` having a sign in ``mask``."""

    def __init__(self, q: Poly, mask: int) -> None:
        self.q = q
        self.mask = mask


class _Solver:
    """Symbolic backward induction over the stages (subgame roots) of one tree, for one kind of data:
    ``mode`` "plays" (the action at one information set), "outcome" (the probability of a set of outcome
    labels), "path" (the path of play) or "values" (payoffs only)."""

    def __init__(self, game: ExtensiveFormGame, max_pieces: int, mode: str = "values",
                 deadline: float | None = None) -> None:
        from kimgame.solvers.subgames import stages

        self.game = game
        self.clock = Clock(deadline)
        self.box = Box(game.parameters)
        self.max_pieces = max_pieces
        self.mode = mode
        self.stages = stages(game)
        self.largest = 0
        self._ratios: dict[int, Ratio] = {}
        self._plays_nodes: frozenset[int] = frozenset()
        self._plays_infoset = ""
        self._outcomes: frozenset[str] = frozenset()
        self._frontiers: dict[tuple, list[Out]] = {}
        self.zero = self.box.ratio(0)
        self.one = self.box.ratio(1)

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
        root = self._stage_of(h.nodes[0])
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
            yield TRUE, [(self._terminal_out(root), lambda t: [t], lambda t: [])]
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
                    x = _payoff(val[0], i)
                    others = [[(x - _payoff(w[0], i)).num for w in lowest[b]] for b in range(len(sets)) if b != a]

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

    def _frontier(self, outs: frozenset, i: int, lower: bool) -> list[Out]:
        """The outs of ``outs`` that matter when player ``i`` compares them (cached): with ``lower`` those
        whose payoff to ``i`` is not provably at least another's on the box (the candidates for the least
        payoff); otherwise, for each kind of claim data, those not provably at most another's of the same
        data. Dropping the others leaves every comparison made at the top decision equivalent."""
        key = (outs, i, lower)
        cached = self._frontiers.get(key)
        if cached is not None:
            return cached
        items = sorted(outs, key=repr)
        wanted = POS | ZERO if lower else NEG | ZERO  # x - y in wanted: y is at least as good to keep
        keep = []
        for k, x in enumerate(items):
            dominated = False
            for m, y in enumerate(items):
                if m == k or (not lower and y[1] != x[1]):
                    continue
                d = (x[0][i] - y[0][i]).num
                mask = (POS if d.constant_value > 0 else NEG if d.constant_value < 0 else ZERO) if d.is_constant \
                    else self.box.possible(d)
                if mask & ~wanted == 0 and (mask != ZERO or m < k):
                    dominated = True
                    break
            if not dominated:
                keep.append(x)
        self._frontiers[key] = keep
        return keep

    def _stage_of(self, v: int) -> int:
        """The subgame root whose truncated game holds node ``v``."""
        roots = set(self.stages.roots)
        while v not in roots:
            v = self.game.parent[v]
        return v

    # ---- formulas -------------------------------------------------------------------------------

    def ratio(self, f: Formula) -> Ratio:
        """A payoff or probability formula as an exact rational function of the parameters."""
        key = id(f)
        r = self._ratios.get(key)
        if r is None:
            try:
                r = self._convert(f.expr)
            except NotImplementedError as err:
                raise NotImplementedError(f"in '{f.text}': {err}") from None
            self._ratios[key] = r
        return r

    def _convert(self, e: Expr) -> Ratio:
        box = self.box
        if isinstance(e, Num):
            return box.ratio(e.value)
        if isinstance(e, Param):
            return Ratio(box.variable(e.name), box.constant(1))
        if isinstance(e, Neg):
            return -self._convert(e.operand)
        if isinstance(e, Call):
            raise NotImplementedError(
                f"the parameter condition is only available numerically for formulas with {e.func}(); "
                "write the cases as separate branches of the tree instead")
        a = self._convert(e.left)
        b = self._convert(e.right)
        if e.op == "+":
            return a + b
        if e.op == "-":
            return a - b
        if e.op == "*":
            return a * b
        if e.op == "/":
            return a * self._inverse(b)
        # power: a constant whole exponent
        if not (b.num.is_constant and b.den.is_constant) or b.num.constant_value.denominator != 1:
            raise NotImplementedError("the parameter condition needs whole-number constant exponents")
        n = int(b.num.constant_value)
        if abs(n) > MAX_EXPONENT:
            raise NotImplementedError(f"the parameter condition is only available numerically for powers above "
                                      f"{MAX_EXPONENT}")
        base = a if n >= 0 else self._inverse(a)
        out = self.one
        for _ in range(abs(n)):
            out = out * base
        return out

    def _inverse(self, r: Ratio) -> Ratio:
        """``1 / r``, kept with a positive denominator (so a sign of the numerator is the sign of the value)."""
        if r.num.is_constant:
            if not r.num.constant_value:
                raise KimgameError("division by zero")
            return Ratio(r.den, r.num)
        mask = self.box.possible(r.num)
        if mask == POS:
            return Ratio(r.den, r.num)
        if mask == NEG:
            return Ratio(-r.den, -r.num)
        raise NotImplementedError("the parameter condition is only available numerically for a division by an "
                                  "expression that can be zero or change sign within the declared ranges")

    # ---- cells --------------------------------------------------------------------------------------

    def atom(self, f: Poly, mask: int) -> list[Term]:
        """The region where ``f`` has a sign in ``mask``: ``[TRUE]``, ``[]`` or one one-constraint term."""
        c = self.box.sign_constraint(f, mask)
        if c is True:
            return [TRUE]
        if c is False:
            return []
        return [Term({c[0]: c[1]})]

    def dnf_and(self, a: list[Term], b: list[Term], v: int = 0) -> list[Term]:
        """The intersection of two regions (lists of terms), empty terms dropped."""
        box = self.box
        out = []
        for s in a:
            for t in b:
                u = box.meet(s, t)
                if u is not None:
                    out.append(u)
        self._count(len(out), v)
        return drop_subsumed(out)

    def test(self, t: Term, f: Poly, mask: int) -> bool:
        """Whether ``f`` has a sign in ``mask`` everywhere in cell ``t`` (True), nowhere (False), or raise
        :class:`_Undecided` to have the cell split."""
        c = self.box.sign_constraint(f, mask)
        if c is True or c is False:
            return c
        q, m = c
        cur = t.cons.get(q, self.box.possible(q))
        if cur & ~m == 0:
            return True
        if cur & m == 0:
            return False
        raise _Undecided(q, m)

    def resolve(self, t: Term, evaluate: Callable[[Term], Any]) -> list[tuple[Term, Any]]:
        """Split ``t`` until ``evaluate`` can decide every comparison it makes; the (disjoint) parts with
        their results, empty parts dropped."""
        box = self.box
        out = []
        stack = [t]
        while stack:
            s = stack.pop()
            try:
                out.append((s, evaluate(s)))
            except _Undecided as need:
                for part in (need.mask, box.possible(need.q) & ~need.mask):
                    r = box.restrict(s, need.q, part)
                    if r is not None and box.feasible(r):
                        stack.append(r)
        return out

    def _check_time(self, v: int) -> None:
        if self.clock.expired:
            raise SolverLimit(f"the time limit was reached during the symbolic backward induction (at "
                              f"'{self.game.node_label(v)}'); the claim can still be judged at given "
                              "parameter values (kimgame solve, sweep)")

    def _count(self, n: int, v: int) -> None:
        self._check_time(v)
        self.largest = max(self.largest, n)
        if n > self.max_pieces:
            raise SolverLimit(
                f"the symbolic backward induction holds more than {self.max_pieces} pieces of parameter space "
                f"at '{self.game.node_label(v)}'; the claim can still be judged at given parameter values "
                "(kimgame solve, sweep)")

    def _product(self, lists: Sequence[Sequence[tuple[Any, Term]]], v: int) -> list[tuple[tuple, Term]]:
        """Every choice of one (item, term) per list whose terms intersect: (items, intersection)."""
        box = self.box
        partial: list[tuple[tuple, Term]] = [((), TRUE)]
        for items in lists:
            nxt = []
            for chosen, t in partial:
                self._check_time(v)
                for item, s in items:
                    u = box.meet(t, s)
                    if u is not None:
                        nxt.append((chosen + (item,), u))
            self._count(len(nxt), v)
            partial = nxt
        return partial

    def _merge(self, produced: Iterable[tuple[Term, frozenset]], v: int) -> Cells:
        """Group cells by their set of outs; each group's terms simplified (constraints implied by the
        others dropped, so that the products above stay small)."""
        cells: Cells = {}
        n = 0
        for t, outs in produced:
            if not outs:  # no SPE here: the cell is empty (every point has an SPE)
                continue
            cells.setdefault(outs, []).append(t)
            n += 1
        self._count(n, v)
        return {outs: simplify_region(terms, self.box) for outs, terms in cells.items()}

    # ---- backward induction -----------------------------------------------------------------------

    def solve(self, root: int, include_root: bool = True) -> dict[int, Cells]:
        """The cells of the subgames at the stages below ``root`` (and at ``root`` itself with
        ``include_root``): {stage root: {set of SPE outs: terms}}, the stages whose results are used
        by a solved stage above them left out."""
        game = self.game
        nodes = game.nodes
        self.above = self._above(root)
        end = game.subtree_end[root]
        results: dict[int, Cells] = {}
        st = self.stages
        for v in reversed(st.roots):
            if not root <= v <= end or (v == root and not include_root):
                continue
            if v in st.trivial:
                node = nodes[v]
                kids = [self._child_cells(c, results) for c in node.children]
                if isinstance(node, Decision):
                    results[v] = self._decision(v, node, kids)
                else:
                    assert isinstance(node, Chance)  # stage roots are not terminals
                    results[v] = self._chance(v, node, kids)
            else:
                results[v] = self._one_player_stage(v, results)
            for c in st.cuts[v]:
                results.pop(c, None)
        return results

    def _above(self, root: int) -> dict[int, frozenset[int]]:
        """For each node below ``root``: the players who move at its proper ancestors (from ``root``)."""
        nodes = self.game.nodes
        out: dict[int, frozenset[int]] = {root: frozenset()}
        for v in range(root, self.game.subtree_end[root] + 1):
            node = nodes[v]
            if isinstance(node, Terminal):
                continue
            here = out[v] | {node.player} if isinstance(node, Decision) else out[v]
            for c in node.children:
                out[c] = here
        return out

    def _project(self, values: Sequence[Ratio | None], v: int) -> Values:
        keep = self.above[v]
        return tuple(x if i in keep else None for i, x in enumerate(values))

    def _terminal_out(self, v: int) -> Out:
        node = self.game.nodes[v]
        assert isinstance(node, Terminal)
        values = self._project([self.ratio(f) for f in node.payoffs], v)
        if self.mode == "outcome":
            data: Hashable = self.one if node.outcome in self._outcomes else self.zero
        elif self.mode == "path":
            data = ""
        else:
            data = None
        return values, data

    def _child_cells(self, c: int, results: Mapping[int, Cells]) -> list[tuple[frozenset, Term]]:
        if isinstance(self.game.nodes[c], Terminal):
            return [(frozenset([self._terminal_out(c)]), TRUE)]
        return [(outs, t) for outs, terms in results[c].items() for t in terms]

    def _decision(self, v: int, node: Decision, kids: list[list[tuple[frozenset, Term]]]) -> Cells:
        i = node.player

        def prepare(sets: tuple[frozenset, ...]) -> list[tuple[Out, list[list[Poly]]]]:
            """Each candidate out with, for every other action, the differences to that action's values
            (only the least ones matter: "some value of b is at most x")."""
            lowest = [self._frontier(vb, i, lower=True) for vb in sets]
            candidates = []
            for a, va in enumerate(sets):
                for val in sorted(va, key=repr):
                    x = val[0][i]
                    others = [[(x - w[0][i]).num for w in lowest[b]] for b in range(len(sets)) if b != a]
                    candidates.append((self._decision_out(v, node, a, val), others))
            return candidates

        def evaluate(t: Term, candidates: list[tuple[Out, list[list[Poly]]]]) -> frozenset:
            result = set()
            for out, others in candidates:
                ok = True
                for diffs in others:
                    pending = None
                    found = False
                    for d in diffs:
                        try:
                            if self.test(t, d, POS | ZERO):
                                found = True
                                break
                        except _Undecided as need:
                            pending = pending or need
                    if not found:
                        if pending is not None:
                            raise pending
                        ok = False
                        break
                if ok:
                    result.add(out)
            return frozenset(result)

        produced: list[tuple[Term, frozenset]] = []
        for sets, t in self._product(kids, v):
            produced.extend(self.resolve(t, functools.partial(evaluate, candidates=prepare(sets))))
        return self._merge(produced, v)

    def _decision_out(self, v: int, node: Decision, a: int, val: Out) -> Out:
        """The out of decision node ``v`` when action ``a`` is taken and the child's SPE gives ``val``."""
        values, data = val
        if self.mode == "plays":
            data = a if v in self._plays_nodes else None
        elif self.mode == "path":
            data = node.actions[a] + (f" > {data}" if data else "")
        return self._project(values, v), data

    def _chance(self, v: int, node: Chance, kids: list[list[tuple[frozenset, Term]]]) -> Cells:
        probs = [self.ratio(f) for f in node.probs]
        produced = []
        for sets, t in self._product(kids, v):
            outs = set()
            for choice in _choices(sets):
                outs.add(self._mix(v, probs, choice, node.outcomes))
            produced.append((t, frozenset(outs)))
        return self._merge(produced, v)

    def _mix(self, v: int, weights: Sequence[Ratio], choice: Sequence[Out], labels: Sequence[str]) -> Out:
        """The chance-weighted combination of one out per child."""
        keep = self.above[v]
        n = len(self.game.players)
        values: list[Ratio | None] = []
        for j in range(n):
            if j not in keep:
                values.append(None)
                continue
            acc = self.zero
            for w, (vals, _) in zip(weights, choice):
                if not w.is_zero:
                    x = _payoff(vals, j)
                    acc = acc + (x if w.is_one else w * x)
            values.append(acc)
        data: Hashable = None
        if self.mode == "outcome":
            acc = self.zero
            for w, (_, p) in zip(weights, choice):
                if not w.is_zero and not p.is_zero:
                    acc = acc + w * p
            data = acc
        elif self.mode == "path":
            data = "[" + " | ".join(f"{o}: {d}" if d else o for o, (_, d) in zip(labels, choice)) + "]"
        elif self.mode == "plays":
            data = next((d for _, d in choice if d is not None), None)
        return tuple(values), data

    # ---- a subgame with one player's imperfect information ---------------------------------------

    def _one_player_stage(self, v: int, results: Mapping[int, Cells]) -> Cells:
        """A subgame whose truncated game has one acting player: that player's optimal reduced plans."""
        from kimgame.model.tree import plan_space

        game = self.game
        cuts = self.stages.cuts[v]
        space = plan_space(game, v, cuts, limit_name="subgame_profiles")
        acting = [i for i in range(len(game.players)) if space.infosets[i]]
        if len(acting) > 1:
            who = ", ".join(game.players[i] for i in acting)
            raise NotImplementedError(
                f"the parameter condition is only available numerically for this tree: in the subgame at "
                f"'{game.node_label(v)}' several players ({who}) move without observing each other's moves "
                "(simultaneous moves or other imperfect information); kimgame derives conditions where "
                "imperfect information concerns one player alone in a subgame")
        i = acting[0] if acting else None
        plans = space.plans[i] if i is not None else ((),)
        consistent = space.consistent[i] if i is not None else None
        position = -1
        own = space.infosets[i] if i is not None else ()
        if self.mode == "plays" and self._plays_infoset in own:
            position = own.index(self._plays_infoset)
            if any(plan[position] is None for plan in plans):
                raise NotImplementedError(
                    f"the parameter condition of a claim at '{self._plays_infoset}' is only available numerically: "
                    "the player's own earlier choice can exclude that information set")
        leaves = space.leaves
        weights = []
        for chances in space.leaf_chance:
            w = self.one
            for c, k in chances:
                node = game.nodes[c]
                assert isinstance(node, Chance)
                w = w * self.ratio(node.probs[k])
            weights.append(w)
        reach = []  # for each plan, the leaves it reaches (positions in ``leaves``)
        for k in range(len(plans)):
            reach.append([n for n, last in enumerate(space.leaf_last)
                          if i is None or consistent is None or k in set(consistent[last[i]])])
        cut_pos = [n for n, leaf in enumerate(leaves) if not isinstance(game.nodes[leaf], Terminal)]
        fixed = {n: self._terminal_out(leaf) for n, leaf in enumerate(leaves) if n not in cut_pos}
        kids = [[(outs, t) for outs, terms in results[leaves[n]].items() for t in terms] for n in cut_pos]
        n_players = len(game.players)
        keep = self.above[v]

        def plan_out(k: int, chosen: Mapping[int, Out]) -> tuple[Ratio | None, Out]:
            def val(n: int) -> Out:
                return chosen[n] if n in chosen else fixed[n]

            values: list[Ratio | None] = []
            mover = None
            for j in range(n_players):
                if j not in keep and j != i:
                    values.append(None)
                    continue
                acc = self.zero
                for n in reach[k]:
                    if not weights[n].is_zero:
                        acc = acc + weights[n] * _payoff(val(n)[0], j)
                if j == i:
                    mover = acc
                values.append(acc if j in keep else None)
            data: Hashable = None
            if self.mode == "outcome":
                acc = self.zero
                for n in reach[k]:
                    acc = acc + weights[n] * val(n)[1]
                data = acc
            elif self.mode == "path":
                data = self._stage_path(v, space, i, plans[k], {leaves[n]: val(n)[1] for n in reach[k]})
            elif self.mode == "plays":
                data = plans[k][position] if position >= 0 else None
            return mover, (tuple(values), data)

        def prepare(sets: tuple[frozenset, ...]) -> list[list[tuple[Out, list[Poly]]]]:
            """For each choice of one SPE out per subgame below: each plan's out with the differences
            between its payoff to the mover and every other plan's."""
            joint = []
            for choice in _choices(sets):
                chosen = dict(zip(cut_pos, choice))
                outs = [plan_out(k, chosen) for k in range(len(plans))]
                joint.append([(out, [] if mk is None else [(mk - ml).num for ml, _ in outs if ml is not None])
                              for mk, out in outs])
            return joint

        def evaluate(t: Term, joint: list[list[tuple[Out, list[Poly]]]]) -> frozenset:
            result = set()
            for plans_here in joint:
                pending = None
                for out, diffs in plans_here:
                    try:
                        if all(self.test(t, d, POS | ZERO) for d in diffs):
                            result.add(out)
                    except _Undecided as need:
                        pending = pending or need
                if pending is not None:
                    raise pending
            return frozenset(result)

        produced: list[tuple[Term, frozenset]] = []
        for sets, t in self._product(kids, v):
            produced.extend(self.resolve(t, functools.partial(evaluate, joint=prepare(sets))))
        return self._merge(produced, v)

    def _stage_path(self, v: int, space: Any, i: int | None, plan: Sequence[int | None],
                    below: Mapping[int, str]) -> str:
        """The path label of a plan in a subgame with one acting player (cuts continue with ``below``)."""
        game = self.game
        nodes = game.nodes

        def label(u: int) -> str:  # iterative would be longer; stage regions are shallow
            node = nodes[u]
            if u != v and (u in below or isinstance(node, Terminal)):
                return below.get(u, "")
            if isinstance(node, Decision):
                a = plan[space.infosets[i].index(node.infoset)]
                rest = label(node.children[a])
                return node.actions[a] + (f" > {rest}" if rest else "")
            assert isinstance(node, Chance)  # terminals were handled above (the stage root is not one)
            parts = [(o, label(c)) for o, c in zip(node.outcomes, node.children)]
            return "[" + " | ".join(f"{o}: {d}" if d else o for o, d in parts) + "]"

        return label(v)


def _payoff(values: Values, i: int) -> Ratio:
    """Player ``i``'s payoff in ``values``; only players who move above a node are kept (``_project``)."""
    x = values[i]
    assert x is not None, "a payoff is asked for a player who does not move above the node"
    return x


def _choices(sets: Sequence[frozenset]) -> Iterable[tuple]:
    """Every choice of one element per set (sets sorted for a deterministic order)."""
    import itertools

    return itertools.product(*(sorted(s, key=repr) for s in sets))
