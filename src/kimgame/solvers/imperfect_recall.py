"""Trees without perfect recall (Gambit files may have them): solved in their reduced normal form.

Kuhn's theorem (H. W. Kuhn 1953, "Extensive games and the problem of information") needs perfect
recall: without it a mixed strategy may have no realization-equivalent behaviour strategy, and with
*absent-mindedness* (an information set reached twice on one path; M. Piccione and A. Rubinstein 1997,
"On the interpretation of decision problems with imperfect recall", *Games and Economic Behavior* 20)
a behaviour strategy may do better than every mixed one. Mixed Nash equilibria of the (reduced) normal
form stay well defined, so that is what kimgame reports for such trees; behaviour strategies and
subgame perfection are not offered.

A pure strategy chooses one action at each of the player's information sets and takes it every time
the set is reached (as Gambit does; under absent-mindedness the same action is repeated at every visit).
The *reduced* strategies keep only the choices at information sets the player's own choices do not
exclude: two strategies that differ only at sets they never reach are one plan. Plans are enumerated by
a depth-first walk that follows the player's assigned actions and branches at the first visit to an
unassigned information set; each plan is produced once.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

from kimgame.errors import KimgameError, SolverLimit
from kimgame.expr.numbers import fmt
from kimgame.expr.tree import Formula, Num
from kimgame.limits import current_limits
from kimgame.model.normal_form import NormalFormGame
from kimgame.model.tree import Chance, Decision, ExtensiveFormGame, Terminal

WORK_LIMIT = 20_000_000  # profile x node visits spent building the payoff table

Plan = dict[str, int]


def reduced_plans(game: ExtensiveFormGame, player: int, limit: int) -> list[Plan]:
    """The reduced pure strategies of ``player`` (each {information set: action index} over the sets the
    plan reaches), in depth-first order; :class:`SolverLimit` past ``limit`` plans."""
    nodes = game.nodes
    out: list[Plan] = []
    # a state: the actions assigned so far and the nodes still to visit (a stack)
    states: list[tuple[Plan, tuple[int, ...]]] = [({}, (0,))]
    while states:
        plan, frontier = states.pop()
        stack = list(frontier)
        branched = False
        while stack:
            v = stack.pop()
            node = nodes[v]
            if isinstance(node, Terminal):
                continue
            if isinstance(node, Decision) and node.player == player:
                k = plan.get(node.infoset)
                if k is None:
                    rest = tuple(stack)
                    for a in range(len(node.children) - 1, -1, -1):
                        states.append(({**plan, node.infoset: a}, rest + (node.children[a],)))
                    branched = True
                    break
                stack.append(node.children[k])
            else:
                stack.extend(reversed(node.children))
        if not branched:
            out.append(plan)
            if len(out) > limit:
                raise SolverLimit(f"{game.players[player]} has more than {limit:,} reduced strategies; the "
                                  "reduced normal form of this tree (without perfect recall) is not built")
    return out


def _labels(game: ExtensiveFormGame, player: int, plans: list[Plan]) -> tuple[str, ...]:
    order = game.player_infosets(player)
    infosets = game.infosets
    short = ["/".join(infosets[h].actions[plan[h]] for h in order if h in plan) or "(no move)" for plan in plans]
    if len(set(short)) == len(short):
        return tuple(short)
    return tuple(", ".join(f"{h}={infosets[h].actions[plan[h]]}" for h in order if h in plan) or "(no move)"
                 for plan in plans)


def _outcome(game: ExtensiveFormGame, choice: dict[str, int]) -> tuple[Fraction, ...]:
    """Expected payoffs when every information set's action is ``choice``'s (chance at its probabilities)."""
    nodes = game.nodes
    terminal, chance = game.terminal_values, game.chance_values
    n = len(game.players)
    total = [Fraction(0)] * n
    stack: list[tuple[int, Fraction]] = [(0, Fraction(1))]
    while stack:
        v, p = stack.pop()
        node = nodes[v]
        if isinstance(node, Terminal):
            payoffs = terminal[v]
            assert payoffs is not None  # a terminal's payoffs
            for i, x in enumerate(payoffs):
                if x:
                    total[i] += p * x
        elif isinstance(node, Chance):
            probs = chance[v]
            assert probs is not None  # a chance node's probabilities
            stack.extend((c, p * q) for c, q in zip(node.children, probs) if q)
        else:
            stack.append((node.children[choice[node.infoset]], p))
    return tuple(total)


def reduced_normal_form_without_recall(game: ExtensiveFormGame):
    """The reduced normal form (exact payoffs at the game's values) of a tree, with or without perfect
    recall, as a :class:`~kimgame.model.normal_form.NormalFormGame` whose strategies are the plans of
    :func:`reduced_plans`. :class:`SolverLimit` past the ``reduced_profiles`` limit in force."""

    limit = current_limits().reduced_profiles
    n = len(game.players)
    plans = [reduced_plans(game, i, limit) for i in range(n)]
    profiles = 1
    for p in plans:
        profiles *= len(p)
    if profiles > limit:
        raise SolverLimit(f"the reduced normal form has {profiles:,} pure profiles, more than the limit {limit:,} "
                          "(raise it with --limit reduced_profiles=N)")
    if profiles * game.num_nodes > WORK_LIMIT:
        raise SolverLimit(f"the reduced normal form has {profiles:,} pure profiles of a {game.num_nodes}-node tree: "
                          "too much work to build it exactly")
    formulas: dict[Fraction, Formula] = {}

    def formula(q: Fraction) -> Formula:
        f = formulas.get(q)
        if f is None:
            f = formulas[q] = Formula(Num(q), fmt(q))
        return f

    payoffs = []
    for combo in itertools.product(*plans):  # the last player's plan varies fastest, as NormalFormGame wants
        choice: dict[str, int] = {}
        for plan in combo:
            choice.update(plan)
        payoffs.append(tuple(formula(q) for q in _outcome(game, choice)))
    return NormalFormGame(players=game.players, strategies=tuple(_labels(game, i, plans[i]) for i in range(n)),
                          payoffs=tuple(payoffs), values=game.values,
                          title=f"{game.title} (reduced normal form)" if game.title else "reduced normal form",
                          source=game.source, path=game.path)


def recall_note(problem: KimgameError | None) -> str:
    """The note a result of a tree without perfect recall starts with: where recall fails (from
    :func:`kimgame.model.tree_checks.recall_problem`), how the tree is solved, and what is not offered."""
    why = ""
    if problem is not None:  # "perfect recall: player X forgets ... (...); give these nodes ..." without the advice
        why = problem.message.removeprefix("perfect recall: ").split("; give ")[0]
        if problem.where is not None and problem.where.line:
            why += f", line {problem.where.line}"
    return ("this tree does not have perfect recall"
            + (f" ({why})" if why else "")
            + ": it is solved in its reduced normal form (a plan chooses one action per information set, repeated "
              "at every visit); the equilibria are mixed strategies over plans. Behaviour strategies and subgame "
              "perfection are not offered for trees without perfect recall (Kuhn's theorem needs it)")
