"""Reading Gambit's strategic game files (``.nfg``), payoff and outcome versions, into a
:class:`~kimgame.model.normal_form.NormalFormGame`.

``NFG 1 R "title" { "P1" "P2" }`` followed either by the numbers of strategies ``{ 3 2 }``, an optional
comment and the flat payoff list (payoff version), or by the strategy labels ``{ { "a" "b" } { "c" "d" } }``,
an optional comment, the outcome list ``{ { "name" 1, 2 } ... }`` and one outcome number per profile
(outcome version; 0 is the null outcome). Profiles are listed with the first player's strategy varying
fastest. Format: Gambit documentation, "The strategic game (.nfg) file format" (see
:mod:`kimgame.io.gambit`).
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from kimgame.expr.numbers import fmt
from kimgame.expr.tree import Formula, Num
from kimgame.io.gambit_syntax import GambitParser, GambitSyntax, distinct_labels, source_location
from kimgame.limits import current_limits, too_large
from kimgame.model.normal_form import NormalFormGame

__all__ = ["parse_nfg"]


def parse_nfg(text: str, name: str = "<nfg>") -> NormalFormGame:
    """Parse the text of a Gambit ``.nfg`` file (payoff or outcome version) into a
    :class:`~kimgame.model.normal_form.NormalFormGame` (exact payoffs, no parameters).

    Format: Gambit documentation, "The strategic game (.nfg) file format, payoff version" and
    "..., outcome version". Strategies of the payoff version are labelled ``"1"``, ``"2"``, ... as
    Gambit labels them.
    """
    p = GambitParser(text, name)
    title, player_labels = p.header("NFG", "1")
    n = len(player_labels)
    players = distinct_labels(player_labels, "Player {}")
    open_tok = p.expect("lb", "'{' opening the numbers of strategies { 2 2 } or their labels { { \"a\" \"b\" } ... }")
    if p.peek().kind == "lb":
        strategy_lists: list[list[str]] = []
        while p.peek().kind != "rb":
            who = players[len(strategy_lists)] if len(strategy_lists) < n else None
            if who is None:
                raise p.error(p.peek(), f"more strategy lists than players ({n}); give one list {{ \"a\" \"b\" }} per "
                                        "player")
            labels, list_tok = p.label_list(f"strategies of {who}")
            if not labels:
                raise p.error(list_tok, f"{who} has no strategies; list at least one")
            strategy_lists.append(labels)
        close = p.take()
        if len(strategy_lists) != n:
            raise p.error(close, f"{len(strategy_lists)} strategy list(s) for {n} players; give one per player")
        strategies = tuple(distinct_labels(s, "{}") for s in strategy_lists)
    else:
        counts = []
        while p.peek().kind != "rb":
            k, _ = p.integer("the number of strategies of a player", minimum=1)
            counts.append(k)
            p.skip_commas()
        close = p.take()
        if len(counts) != n:
            raise p.error(open_tok, f"{len(counts)} number(s) of strategies for {n} players; give one per player, "
                                    f"e.g. {{ {' '.join(['2'] * n)} }}")
        strategies = tuple(tuple(str(j + 1) for j in range(k)) for k in counts)
    shape = tuple(len(s) for s in strategies)
    profiles = 1
    for k in shape:
        profiles *= k
    if profiles > current_limits().profiles:
        raise p.error(open_tok, too_large("the game", profiles, f"pure profiles ({' × '.join(map(str, shape))})",
                                          "profiles"))
    if p.peek().kind == "str":  # the optional comment
        p.take()
    # either version may name the strategies or count them; what follows tells them apart: the outcome
    # version's list of outcomes opens with '{', the payoff version's payoffs are numbers
    outcome_version = p.peek().kind == "lb"

    # flat[k] is the payoff vector of the k-th profile in Gambit's order (first player fastest)
    flat: list[tuple[Fraction, ...]] = []
    if outcome_version:
        outcomes: list[tuple[Fraction, ...]] = []
        p.expect("lb", "'{' opening the list of outcomes { { \"name\" 1, 2 } ... }")
        kinds = p.kinds
        while True:
            p.skip_commas()
            if kinds[p.i] == "rb":
                p.i += 1
                break
            if kinds[p.i] != "lb":
                p.expect("lb", "'{' opening an outcome { \"name\" payoffs } or '}' closing the list of outcomes")
            p.i += 1
            if kinds[p.i] != "str":
                p.expect("str", "the outcome's name in quotes (\"\" for none)")
            label_at = p.i
            p.i += 1
            values = p.payoffs_to_close(f"outcome {len(outcomes) + 1}")
            if len(values) != n:
                raise GambitSyntax(f"outcome {len(outcomes) + 1} lists {len(values)} payoff(s); give one per player "
                                   f"({n})", source_location(p.name, p.lines, p.poss[label_at]))
            outcomes.append(tuple(values))
        zero = tuple(Fraction(0) for _ in range(n))
        texts = p.texts
        for k in range(profiles):
            p.skip_commas()
            if kinds[p.i] == "eof":
                raise p.error(p.peek(), f"the file ends after {k} outcome numbers; give one per pure profile "
                                        f"({profiles} = {' × '.join(map(str, shape))})")
            text = texts[p.i]
            if kinds[p.i] == "num" and text.isdigit():
                index = int(text)
                p.i += 1
            else:
                index, _ = p.integer("an outcome number", minimum=0)
            if index > len(outcomes):
                raise GambitSyntax(f"there is no outcome {index}; the file defines {len(outcomes)} (0 is the null "
                                   "outcome)", source_location(p.name, p.lines, p.poss[p.i - 1]))
            flat.append(zero if index == 0 else outcomes[index - 1])
    else:
        need = profiles * n
        values = []
        kinds, numbers = p.kinds, p.numbers
        for k in range(need):
            while kinds[p.i] == "comma":
                p.i += 1
            if kinds[p.i] == "eof":
                raise p.error(p.peek(), f"the file ends after {k} payoffs; a game with {profiles} pure profiles and "
                                        f"{n} players needs {need} ({n} per profile, the first player's strategy "
                                        "varying fastest)")
            q = numbers.get(p.texts[p.i]) if kinds[p.i] == "num" else None
            if q is None:
                q = p.number("a payoff")
            else:
                p.i += 1
            values.append(q)
        flat = [tuple(values[k * n:(k + 1) * n]) for k in range(profiles)]
    p.skip_commas()
    extra = p.peek()
    if extra.kind != "eof":
        raise p.error(extra, f"unexpected {p.found(extra)} after the last {'outcome number' if outcome_version else 'payoff'}"
                             f" ({profiles} pure profiles); remove it or check the numbers of strategies")

    # kimgame stores profiles with the last player's strategy varying fastest
    import numpy as np

    formulas: dict[int, Formula] = {}  # by id: equal numbers read from equal texts are one object

    def formula(q: Fraction) -> Formula:
        f = formulas.get(id(q))
        if f is None:
            f = formulas[id(q)] = Formula(Num(q), fmt(q))
        return f

    vectors = [tuple(formula(q) for q in vec) for vec in flat]
    order = np.arange(profiles).reshape(shape, order="F").ravel()  # Gambit position of each kimgame profile
    payoffs = [vectors[g] for g in order.tolist()]
    return NormalFormGame(players=players, strategies=strategies, payoffs=tuple(payoffs), title=title or Path(name).stem,
                          path=name)
