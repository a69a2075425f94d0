"""Payoff files in YAML: the schema of ``docs/yaml-format.md``, read into immutable game objects.

Every problem is reported with the file, line and column it concerns; :func:`load_game` collects as
many problems as it can before raising, so ``kimgame validate`` explains them all at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType

from kimgame.errors import KimgameError, Location, suggest
from kimgame.expr.parse import parse_formula
from kimgame.expr.tree import Formula
from kimgame.io.claims_file import dominates_claim, parse_claim_list
from kimgame.io.problems import Problems
from kimgame.io.yaml_source import YNode, load_yaml
from kimgame.limits import current_limits, too_large, too_much_memory
from kimgame.model.claims import Claim
from kimgame.model.normal_form import NormalFormGame
from kimgame.model.parameters import Parameter, resolve_values

FORMAT_VERSION = 1
TOP_KEYS = ("kimgame", "title", "source", "doc", "players", "parameters", "strategies", "payoffs", "tree", "subtrees",
            "claims", "notes")


def load_game(path: str | Path, overrides: Mapping[str, object] | None = None):
    """Read a payoff file (YAML, or Gambit ``.nfg``/``.efg`` where supported) into a game.

    ``overrides`` replaces parameter values (exact; checked against declared ranges). Returns a
    :class:`~kimgame.model.normal_form.NormalFormGame` (or an extensive-form game for ``tree:`` files).
    """
    root = load_yaml(path)
    return parse_game(root, str(path), overrides)


def parse_game(root: YNode, name: str, overrides: Mapping[str, object] | None = None):
    """Build a game from a parsed YAML document (see :func:`load_game`)."""
    problems = Problems()
    if not root.is_map:
        raise KimgameError(
            f"a payoff file is a mapping with keys such as 'players' and 'payoffs', found {root.describe()}",
            root.where,
        )
    doc: dict[str, YNode] = root.value
    for key, node in doc.items():
        if key not in TOP_KEYS:
            problems.add(f"unknown key '{key}'{suggest(key, TOP_KEYS)}; allowed keys: {', '.join(TOP_KEYS)}",
                         node.where)
    version = doc.get("kimgame")
    if version is None:
        problems.add(f"add 'kimgame: {FORMAT_VERSION}' (the format version) at the top of the file", root.where)
    elif version.value != FORMAT_VERSION:
        problems.add(f"unsupported format version {version.value!r}; this kimgame reads 'kimgame: 1'",
                     version.where)
    title = _text(doc.get("title"), problems, default=Path(name).stem)
    source = _text(doc.get("source"), problems, default="")
    players = _players(doc.get("players"), root.where, problems)
    parameters = _parameters(doc.get("parameters"), problems)
    names = [p.name for p in parameters]
    try:
        values = resolve_values(parameters, overrides)
    except KimgameError as err:
        problems.catch(err)
        values = MappingProxyType({p.name: p.value for p in parameters})

    if "tree" in doc:
        if "payoffs" in doc or "strategies" in doc:
            problems.add("a file has either 'tree' (extensive form) or 'strategies'/'payoffs' (normal form), not both",
                         doc["tree"].where)
        from kimgame.io.tree_file import parse_tree_game

        return parse_tree_game(doc, name, title, source, players, parameters, values, problems)

    strategies = _strategies(doc.get("strategies"), players, root.where, problems)
    problems.raise_if_any()
    payoffs = _payoffs(doc.get("payoffs"), players, strategies, names, values, root.where, problems)
    claims = parse_claims(doc.get("claims"), players, strategies, problems)
    problems.raise_if_any()
    return NormalFormGame(
        players=players,
        strategies=strategies,
        payoffs=payoffs,
        parameters=parameters,
        values=values,
        title=title,
        source=source,
        claims=claims,
        path=name,
    )


def _text(node: YNode | None, problems: Problems, default: str) -> str:
    if node is None or node.value is None:
        return default
    if isinstance(node.value, (dict, list)):
        problems.add(f"expected text, found {node.describe()}", node.where)
        return default
    return str(node.value)


def _labels(node: YNode, what: str, problems: Problems) -> tuple[str, ...]:
    """A list of distinct, non-empty labels."""
    if not node.is_list or not node.value:
        problems.add(f"{what}: expected a non-empty list of labels such as [a, b], found {node.describe()}",
                     node.where)
        return ()
    labels: list[str] = []
    for item in node.value:
        if not item.is_scalar or item.value is None or isinstance(item.value, bool) or str(item.value).strip() == "":
            problems.add(f"{what}: a label must be a word or number, found {item.describe()}", item.where)
            continue
        label = str(item.value)
        if label in labels:
            problems.add(f"{what}: the label '{label}' appears twice; labels must be distinct", item.where)
            continue
        labels.append(label)
    return tuple(labels)


def _players(node: YNode | None, where: Location, problems: Problems) -> tuple[str, ...]:
    if node is None:
        problems.add("missing 'players: [...]' (the list of player names)", where)
        return ()
    return _labels(node, "players", problems)


def _parameters(node: YNode | None, problems: Problems) -> tuple[Parameter, ...]:
    if node is None or node.value is None:
        return ()
    if not node.is_map:
        problems.add(
            "parameters: expected a mapping NAME: {value: ..., range: [lo, hi], doc: ...}, found "
            + node.describe(),
            node.where,
        )
        return ()
    names = list(node.value)
    for pname in names:
        if not pname.isidentifier() or pname in ("min", "max", "abs"):
            problems.add(f"parameter name '{pname}' must be an identifier (letters, digits, _) and not a function name",
                         node.value[pname].where)
    raw: dict[str, dict[str, YNode]] = {}
    for pname, spec in node.value.items():
        if spec.is_map:
            for key in spec.value:
                if key not in ("value", "range", "doc"):
                    problems.add(f"parameter {pname}: unknown key '{key}'{suggest(key, ('value', 'range', 'doc'))};"
                                 " use value, range, doc", spec.value[key].where)
            if "value" not in spec.value:
                problems.add(f"parameter {pname}: missing 'value' (its default value)", spec.where)
                continue
            raw[pname] = spec.value
        elif spec.is_scalar and spec.value is not None:
            raw[pname] = {"value": spec}
        else:
            problems.add(f"parameter {pname}: expected a number or {{value, range, doc}}, found {spec.describe()}",
                         spec.where)
    values = _parameter_values(raw, names, problems)
    params = []
    for pname, spec in raw.items():
        if pname not in values:
            continue
        low: Fraction | None = None
        high: Fraction | None = None
        rng = spec.get("range")
        if rng is not None:
            if not rng.is_list or len(rng.value) != 2:
                problems.add(f"parameter {pname}: range must be [low, high], found {rng.describe()}", rng.where)
            else:
                bounds: list[Fraction | None] = []
                for b in rng.value:
                    if b.value is None or (isinstance(b.value, str) and b.value.strip() in ("inf", "-inf")):
                        bounds.append(None)
                        continue
                    try:
                        bounds.append(parse_formula(b.value, names, b.where).evaluate(values))
                    except KimgameError as err:
                        problems.catch(err)
                        bounds.append(None)
                low, high = bounds
                if low is not None and high is not None and low > high:
                    problems.add(f"parameter {pname}: range [{low}, {high}] is empty (low > high)", rng.where)
        doc_node = spec.get("doc")
        doc = "" if doc_node is None or doc_node.value is None else str(doc_node.value)
        param = Parameter(pname, values[pname], low, high, doc, spec["value"].where)
        try:
            param.check(param.value, spec["value"].where, origin="default value of ")
        except KimgameError as err:
            problems.catch(err)
        params.append(param)
    return tuple(params)


def _parameter_values(raw: dict[str, dict[str, YNode]], names: list[str], problems: Problems) -> dict[str, Fraction]:
    """Default values; a value may be an expression in other parameters (evaluated in dependency order)."""
    formulas: dict[str, Formula] = {}
    for pname, spec in raw.items():
        node = spec["value"]
        try:
            formulas[pname] = parse_formula(node.value, names, node.where)
        except KimgameError as err:
            problems.catch(err)
    values: dict[str, Fraction] = {}
    pending = dict(formulas)
    while pending:
        ready = [n for n, f in pending.items() if f.parameters <= values.keys()]
        if not ready:
            for n, f in pending.items():
                missing = sorted(f.parameters - values.keys())
                problems.add(f"parameter {n}: its value depends on {', '.join(missing)}, which depend(s) on it "
                             "(or has no value); give a number", f.where)
            break
        for n in ready:
            try:
                values[n] = pending.pop(n).evaluate(values)
            except KimgameError as err:
                problems.catch(err)
    return values


def _strategies(node: YNode | None, players: tuple[str, ...], where: Location,
                problems: Problems) -> tuple[tuple[str, ...], ...]:
    if node is None:
        problems.add("missing 'strategies: {PLAYER: [labels]}' (or 'tree:' for an extensive-form game)", where)
        return ()
    if not node.is_map:
        problems.add(f"strategies: expected a mapping PLAYER: [labels], found {node.describe()}", node.where)
        return ()
    for pname, sub in node.value.items():
        if pname not in players:
            problems.add(f"strategies: '{pname}' is not a player{suggest(pname, players)} (players: "
                         f"{', '.join(players)})", sub.where)
    out: list[tuple[str, ...]] = []
    for p in players:
        if p not in node.value:
            problems.add(f"strategies: no strategies for player '{p}'; add '{p}: [label, ...]'", node.where)
            out.append(())
        else:
            out.append(_labels(node.value[p], f"strategies of {p}", problems))
    return tuple(out)


def _payoffs(node, players, strategies, names, values, where, problems) -> tuple[tuple[Formula, ...], ...]:
    n_profiles = 1
    for s in strategies:
        n_profiles *= len(s)
    if n_profiles > current_limits().profiles:  # refused before a single cell is read
        shape = " × ".join(str(len(s)) for s in strategies)
        raise KimgameError(too_large("the game", n_profiles, f"pure profiles ({shape})", "profiles"), where)
    over = too_much_memory("the game", n_profiles, len(players))  # estimated before a cell is read
    if over is not None:
        raise KimgameError(over, where)
    if node is None:
        problems.add("missing 'payoffs:' (nested by each player's strategy, ending in [payoff per player])", where)
        return ()
    cells: list[tuple[Formula, ...] | None] = []

    def walk(n: YNode, depth: int, path: tuple[str, ...]) -> None:
        if depth == len(players):
            cells.append(_payoff_vector(n, players, names, values, path, problems))
            return
        player = players[depth]
        labels = strategies[depth]
        if not n.is_map:
            problems.add(f"payoffs{_path_text(path)}: expected a mapping from {player}'s strategies "
                         f"({', '.join(labels)}) to payoffs, found {n.describe()}", n.where)
            cells.extend([None] * _count(strategies[depth:]))
            return
        for key, sub in n.value.items():
            if key not in labels:
                problems.add(f"payoffs{_path_text(path)}: '{key}' is not a strategy of {player}"
                             f"{suggest(key, labels)} (strategies: {', '.join(labels)})", sub.where)
        for label in labels:
            if label not in n.value:
                problems.add(f"payoffs{_path_text(path)}: no entry for {player}'s strategy '{label}'; add "
                             f"'{label}:' here", n.where)
                cells.extend([None] * _count(strategies[depth + 1:]))
            else:
                walk(n.value[label], depth + 1, (*path, label))

    walk(node, 0, ())
    return tuple(c for c in cells if c is not None) if not problems else ()


def _count(strategies) -> int:
    n = 1
    for s in strategies:
        n *= len(s)
    return n


def _path_text(path: tuple[str, ...]) -> str:
    return "" if not path else " at " + " > ".join(path)


def _payoff_vector(n: YNode, players, names, values, path, problems) -> tuple[Formula, ...] | None:
    if not n.is_list or len(n.value) != len(players):
        problems.add(f"payoffs at {' > '.join(path)}: expected a list of {len(players)} payoffs "
                     f"[{', '.join(players)}], found {n.describe()}"
                     + (f" of length {len(n.value)}" if n.is_list else ""), n.where)
        return None
    out = []
    for item in n.value:
        try:
            f = parse_formula(item.value, names, item.where) if item.is_scalar else None
            if f is None:
                problems.add(f"a payoff must be a number or an expression, found {item.describe()}", item.where)
                return None
            f.evaluate(values)  # division by zero etc. at these values is reported now, at its place
            out.append(f)
        except KimgameError as err:
            problems.catch(err)
            return None
    return tuple(out)


def parse_claims(node: YNode | None, players, strategies, problems: Problems) -> tuple[Claim, ...]:
    """Claims of a normal-form file: ``dominates`` (see :mod:`kimgame.io.claims_file`)."""
    return parse_claim_list(node, problems, {
        "dominates": lambda spec, cid: dominates_claim(spec, cid, players, strategies, problems)})
