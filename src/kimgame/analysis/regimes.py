"""A claim about one player's choice, read as regimes of the other players' play.

The exact condition of "the US stays silent in every subgame-perfect equilibrium" on a dozen parameters
is a union of hundreds of pieces. An analyst reads it the way the argument runs: *given how the others
will play after each of my choices, when is this choice my best?* This module answers exactly that.

Method (symbolic backward induction, :mod:`kimgame.analysis.tree_conditions`, run once on the subgames
below the claimer's decision node, carrying the path of play and the claimer's payoff):

* For each action ``a`` of the claimer, the subgame after ``a`` is solved on all parameter values at
  once: disjoint cells of parameter space, each with the set of subgame-perfect continuations there.
* A *regime* is one choice of continuation (path of play) after every action of the claimer. Its
  *others' condition* is the part of parameter space where those are the continuations: the cells'
  intersection, simplified within the declared ranges (constraints implied by the others dropped;
  pieces that differ only in the direction of one inequality merged, since the tie between them is a
  knife-edge, listed apart). Regimes with the same continuations are one row, whatever the play off
  those paths.
* Within a regime the claimer's expected payoff after each action is one rational function; the
  claimer's *own condition* is that the claimed action is strictly better than every other.
* *Knife-edges*: the lower-dimensional pieces, where some player is indifferent — a later mover between
  continuations, or the claimer between actions. They are counted and listed apart, with who is
  indifferent, and make no difference to the claim anywhere else.

Together the regimes give the claim's condition exactly, up to the knife-edges: at every point of the
box not on a knife-edge, the claim holds iff the point lies in some regime's others' condition and
satisfies that regime's own condition.
"""

from __future__ import annotations

from dataclasses import dataclass

from kimgame.analysis.path_words import play_words, tie_words
from kimgame.analysis.region_words import evaluate_pieces, pieces_text, region_pieces, region_text
from kimgame.analysis.sign_box import Box
from kimgame.analysis.sign_regions import simplify_region
from kimgame.analysis.sign_terms import NEG, POS, ZERO, Term
from kimgame.analysis.symbolic_backward_induction import SymbolicBackwardInduction
from kimgame.analysis.tree_conditions import MAX_PIECES
from kimgame.expr.polynomial import Poly
from kimgame.model.claims import Claim, Plays
from kimgame.model.tree import Decision, ExtensiveFormGame, Terminal, plan_space
from kimgame.solvers.clock import Clock

__all__ = ["KnifeEdge", "Regime", "Regimes", "claim_regimes", "full_dimensional"]


@dataclass(frozen=True)
class Regime:
    """One row: the other players' subgame-perfect play that leads to it (``plays``: one or more
    alternatives, each the continuation after every action of the claimer, as path labels; in words
    ``others_play``), where they play so (``others``: pieces, each a tuple of ``(lhs, op, rhs)``, their
    union), and the claimer's own condition for the claimed action to be strictly best there (``own``,
    same form; ``((),)`` always, ``()`` never). Alternatives of play that give the claimer the same
    own condition are one row."""

    plays: tuple[tuple[str, ...], ...]
    actions: tuple[str, ...]
    others: tuple[tuple[tuple[str, str, str], ...], ...]
    own: tuple[tuple[tuple[str, str, str], ...], ...]
    holds_at: bool | None = None  # the game's values lie in ``others`` (ties apart)

    @property
    def others_play(self) -> str:
        """The other players' play of this row in words (:func:`~kimgame.analysis.path_words.play_words`);
        alternatives joined by ``" OR "``."""
        return " OR ".join(play_words(self.actions, p) for p in self.plays)

    @property
    def others_condition(self) -> str:
        """Where the others play so, in words (:func:`~kimgame.analysis.region_words.pieces_text`)."""
        return pieces_text(self.others)

    @property
    def own_condition(self) -> str:
        """The claimer's own condition for the claimed action to be strictly best here, in words;
        ``"always"`` or ``"never"`` when it does not depend on the parameters."""
        return pieces_text(self.own)


@dataclass(frozen=True)
class KnifeEdge:
    """Lower-dimensional pieces where ``who`` is indifferent (``pieces`` as in :class:`Regime`)."""

    who: str
    pieces: tuple[tuple[tuple[str, str, str], ...], ...]

    @property
    def condition(self) -> str:
        """Where ``who`` is indifferent, in words (:func:`~kimgame.analysis.region_words.pieces_text`)."""
        return pieces_text(self.pieces)


@dataclass(frozen=True)
class Regimes:
    """The regimes of a claim about ``player``'s choice at ``infoset`` (see the module doc)."""

    player: str
    others: str
    infoset: str
    actions: tuple[str, ...]
    action: str
    rows: tuple[Regime, ...]
    knife_edges: tuple[KnifeEdge, ...]


# ---- the full-dimensional part of a region ----------------------------------------------------------


def _open(t: Term, box: Box) -> Term | None:
    """The term with ties set apart: weak inequalities strict, ``≠`` dropped; None for a tie (an
    equality: a lower-dimensional piece)."""
    cons: dict[Poly, int] = {}
    for q, m in t.cons.items():
        if m == ZERO:
            return None
        if m & POS and m & NEG:
            continue
        c = box.sign_constraint(_without_factors(q, box), m & (POS | NEG))
        if c is False:
            return None
        if c is True:
            continue
        q2, m2 = c
        m2 = cons.get(q2, m2) & m2
        if not m2:
            return None
        cons[q2] = m2
    return Term(cons)


def _without_factors(q: Poly, box: Box) -> Poly:
    """``q`` with the parameters it is a multiple of divided out, where they are non-negative on the box
    (``delta*H - delta*C`` becomes ``H - C``): they are positive but on the boundary, a tie set apart."""
    n = len(box.names)
    while q.terms:
        common = [j for j in range(n) if (low := box.low[j]) is not None and low >= 0
                  and all(m[j] >= 1 for m in q.terms)]
        if not common:
            return q
        j = common[0]
        q = Poly({m[:j] + (m[j] - 1,) + m[j + 1:]: c for m, c in q.terms.items()})
    return q


def full_dimensional(terms: list[Term], box: Box) -> list[Term]:
    """The region's full-dimensional part, simplified: ties set apart (:func:`_open`), implied
    constraints dropped, pieces that differ in one inequality's direction merged (their common
    boundary is a tie)."""
    current = [o for o in (_open(t, box) for t in terms) if o is not None]
    thorough = False  # cheap syntactic merging first; the linear programs once it is stable
    while True:
        merged = simplify_region(current, box, thorough=thorough)
        opened = [o for o in (_open(t, box) for t in merged) if o is not None]
        if set(opened) == set(current):
            if thorough:
                return sorted(opened, key=lambda t: (len(t.cons), region_text([t], box)))
            thorough = True
        current = opened


# ---- the regimes ------------------------------------------------------------------------------------


def claim_regimes(game, claim: Claim, *, max_pieces: int | None = None, clock: Clock | None = None
                  ) -> Regimes | None:
    """The regimes of a claim about one player's choice (see the module doc), or None when the claim is
    not of that kind: a ``plays`` claim on subgame-perfect equilibria at an information set that is
    either one node whose children are terminals or subgames, or lies in a subgame where the claimer is
    the only mover above the next subgames (e.g. the US not knowing Kim's type). Raises
    :class:`~kimgame.errors.SolverLimit` as the symbolic backward induction does."""
    spec = claim.spec
    if not isinstance(game, ExtensiveFormGame) or not isinstance(spec, Plays) or spec.equilibrium != "spe":
        return None
    h = game.infosets.get(spec.infoset)
    if h is None or spec.action not in h.actions:
        return None
    solver = SymbolicBackwardInduction(game, MAX_PIECES if max_pieces is None else max_pieces, mode="path", clock=clock)
    v = solver.stage_of(h.nodes[0])
    i = h.player
    shape = _plan_shape(game, solver, v, h, spec.action)
    if shape is None:
        return None
    slots, labels, plans, payoff = shape
    results = solver.solve(v, include_root=False)
    box = solver.box
    knife: dict[str, list[Term]] = {}
    per_slot: list[dict[tuple, list[Term]]] = []  # for each slot: {(value, path): full-dim terms}
    for label, c in zip(labels, slots):
        groups: dict[tuple, list[Term]] = {}
        if isinstance(game.nodes[c], Terminal):
            (values, _), = [solver.terminal_out(c)]
            groups[(values[i], "")] = [Term({})]
        else:
            for outs, terms in results[c].items():
                if len(outs) > 1:
                    who = tie_words(game, c, [o[1] for o in outs])
                    knife.setdefault(f"after {label}: {who}", []).extend(terms)
                    continue
                (values, path), = outs
                groups.setdefault((values[i], path), []).extend(terms)
        per_slot.append({k: [t for t in terms if _open(t, box) is not None] for k, terms in groups.items()})
    # every choice of one continuation per slot, where those are played together
    combos: list[tuple[tuple, list[Term]]] = [((), [Term({})])]
    for groups in per_slot:
        nxt = []
        for chosen, region in combos:
            solver.check_time(v)
            for key, terms in groups.items():
                meet = []
                for s in region:
                    for t in terms:
                        u = box.meet(s, t)
                        opened = _open(u, box) if u is not None else None
                        if u is not None and opened is not None and box.feasible(opened):
                            meet.append(u)
                if meet:
                    nxt.append((chosen + (key,), meet))
        solver.count_pieces(len(nxt), v)
        combos = nxt
    rows: list[tuple[tuple[str, ...], list[Term], list[Term]]] = []
    own_name = game.players[i]
    with_action = [k for k, (_, has) in enumerate(plans) if has]
    without = [k for k, (_, has) in enumerate(plans) if not has]
    for chosen, region in combos:
        region = [o for o in (_open(t, box) for t in region) if o is not None]  # simplified once per row
        value = [payoff(k, [x for x, _ in chosen]) for k in range(len(plans))]
        own_terms: list[Term] = []
        tie_terms: list[Term] = []
        for k in with_action:  # some plan with the action strictly beats every plan without it
            cons: dict | None = {}
            for m in without:
                d = (value[k] - value[m]).num  # denominators are positive on the box
                c = box.sign_constraint(d, POS)
                if c is not True and c is not False and box.possible(c[0]) & ~c[1] == ZERO:
                    c = True  # fails only where it is zero: a tie, set apart
                if c is False:
                    cons = None
                    break
                if c is not True and cons is not None:
                    cons[c[0]] = cons.get(c[0], c[1]) & c[1]
                z = box.sign_constraint(d, ZERO)
                if z is not False and z is not True:
                    tie_terms.append(Term({z[0]: z[1]}))
            if cons is not None:
                own_terms.append(Term(cons))
        own_terms = simplify_region(own_terms, box) if own_terms else []
        for tie in tie_terms:
            at = [u for u in (box.meet(r, tie) for r in region) if u is not None and box.feasible(u)]
            if at:
                who = f"{own_name} indifferent between {spec.action.replace('_', ' ')} and another action at '{h.label}'"
                knife.setdefault(who, []).extend(at)
        rows.append((tuple(p for _, p in chosen), region, own_terms))
    merged = _merge_rows(rows, tuple(labels), box, game.values)
    edges = tuple(KnifeEdge(who, region_pieces(simplify_region(terms, box), box))
                  for who, terms in knife.items() if terms)
    movers = {game.players[n.player] for c in slots for n in game.nodes[c:game.subtree_end[c] + 1]
              if hasattr(n, "player") and n.player != i}
    return Regimes(own_name, ", ".join(sorted(movers)) or "nobody", h.label, h.actions, spec.action,
                   tuple(merged), edges)


def _plan_shape(game, solver, v: int, h, action: str):
    """How the claimer's payoff in the subgame at ``v`` depends on the continuations below: ``(slots,
    labels, plans, payoff)`` — the nodes where continuations start (children of a one-node information
    set, or the next subgames of a stage where the claimer alone moves), a label for each, the
    claimer's plans as ``(plan, plays the action)``, and ``payoff(k, slot values)`` the claimer's
    expected payoff of plan ``k``. None when the claim's information set is not of that kind."""
    nodes = game.nodes
    st = solver.stages
    if len(h.nodes) == 1 and h.nodes[0] == v and v in st.trivial:
        node = nodes[v]
        acts = node.actions
        plans = [((a,), a == action) for a in acts]
        return (list(node.children), [a.replace("_", " ") for a in acts], plans,
                lambda k, xs: xs[k])
    if v in st.trivial:
        return None
    cuts = st.cuts[v]
    space = plan_space(game, v, cuts, limit_name="subgame_profiles")
    acting = [j for j in range(len(game.players)) if space.infosets[j]]
    if acting != [h.player] or h.label not in space.infosets[h.player]:
        return None
    i = h.player
    position = space.infosets[i].index(h.label)
    plan_list = space.plans[i]
    if any(plan[position] is None for plan in plan_list):
        return None
    consistent = space.consistent[i]
    leaves = space.leaves
    weights = []
    for chances in space.leaf_chance:
        w = solver.one
        for c, k in chances:
            w = w * solver.ratio(nodes[c].probs[k])
        weights.append(w)
    reach = [[n for n, last in enumerate(space.leaf_last) if k in set(consistent[last[i]])]
             for k in range(len(plan_list))]
    want = h.actions.index(action)
    plans = [(plan, plan[position] == want) for plan in plan_list]

    def label(leaf: int) -> str:
        node = nodes[leaf]
        if isinstance(node, Decision):
            return node.infoset.replace("_", " ")
        return game.node_label(leaf)

    slots = list(leaves)
    if any(isinstance(nodes[leaf], Terminal) for leaf in leaves):
        labels = [label(leaf) if not isinstance(nodes[leaf], Terminal) else game.node_label(leaf) for leaf in leaves]
    else:
        labels = [label(leaf) for leaf in leaves]

    def payoff(k: int, xs):
        acc = solver.zero
        for n in reach[k]:
            if not weights[n].is_zero:
                acc = acc + weights[n] * xs[n]
        return acc

    return slots, labels, plans, payoff


def _merge_rows(rows: list[tuple[tuple[str, ...], list[Term], list[Term]]], actions: tuple[str, ...],
                box: Box, values) -> list[Regime]:
    """One row per own condition: the plays that lead to it, and where they are played (their regions
    together, simplified)."""
    groups: dict[tuple, tuple[list, list[Term]]] = {}
    for paths, region, own in rows:
        key = region_pieces(own, box) if own else ()
        plays, terms = groups.setdefault(key, ([], []))
        plays.append(paths)
        terms.extend(region)
    out = []
    for own_pieces, (plays, terms) in groups.items():
        pieces = region_pieces(full_dimensional(terms, box), box)
        out.append(Regime(tuple(plays), actions, pieces, own_pieces, evaluate_pieces(pieces, values)))
    return sorted(out, key=lambda r: (r.own == (), r.own == ((),), -len(r.plays)))
