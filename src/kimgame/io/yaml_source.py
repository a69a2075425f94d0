"""Reading YAML safely into a tree of values that remember where they were written.

Built on libyaml's composer (through PyYAML: fast, and every node keeps its line and column; the
comment-keeping ruamel.yaml serves ``kimgame set``). On top of it: decimals are read exactly (``0.1``
is 1/10), tags are refused (no Python objects are ever constructed), duplicate keys are an error, aliases may be used for repeated sub-trees but the
expanded document is bounded (no "billion laughs"), and deep nesting is refused instead of crashing.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from kimgame.errors import KimgameError, Location
from kimgame.expr.numbers import parse_number
from kimgame.limits import current_limits, too_large

MAX_DEPTH = 400  # nesting: a safety bound of the parser, not a size limit (not configurable)

Scalar = str | int | Fraction | bool | None


@dataclass(frozen=True, slots=True)
class YNode:
    """A YAML value with its location: ``value`` is a dict (str -> YNode), a list of YNode, or a scalar."""

    value: Any
    where: Location

    @property
    def is_map(self) -> bool:
        """Whether the value is a YAML mapping (a dict of str -> :class:`YNode`)."""
        return isinstance(self.value, dict)

    @property
    def is_list(self) -> bool:
        """Whether the value is a YAML sequence (a list of :class:`YNode`)."""
        return isinstance(self.value, list)

    @property
    def is_scalar(self) -> bool:
        """Whether the value is a scalar (a string, number, boolean or None): neither a mapping nor a list."""
        return not (self.is_map or self.is_list)

    def describe(self) -> str:
        """A short name of the value's kind for error messages ("a mapping", "the number 3")."""
        if self.is_map:
            return "a mapping"
        if self.is_list:
            return "a list"
        if self.value is None:
            return "nothing (an empty value)"
        if isinstance(self.value, bool):
            return f"'{str(self.value).lower()}'"
        if isinstance(self.value, (int, Fraction)):
            return f"the number {self.value}"
        return f"the text '{self.value}'"


def read_text(path: str | Path) -> str:
    """The file's text, decoded as UTF-8; a :class:`KimgameError` for a missing file, a folder, bad bytes or
    a file larger than the ``file_bytes`` limit in force (checked before reading it)."""
    p = Path(path)
    name = str(path)
    if not p.exists():
        raise KimgameError(f"no such file: '{name}'; check the path", Location(name))
    if p.is_dir():
        raise KimgameError(f"'{name}' is a folder; give a payoff file (.yaml, .nfg or .efg)", Location(name))
    size = p.stat().st_size
    if size > current_limits().file_bytes:
        raise KimgameError(too_large("the file", size, "bytes", "file_bytes"), Location(name))
    data = p.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        col = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        raise KimgameError(
            f"byte 0x{data[err.start]:02x} is not valid UTF-8; save the file as UTF-8", Location(name, line, col)
        ) from None


def parse_yaml(text: str, name: str) -> YNode:
    """Parse YAML ``text`` (from file ``name``) into a :class:`YNode` tree.

    Uses libyaml's composer through PyYAML (fast, C) and resolves scalars itself by the YAML 1.2 core
    schema (so ``yes``/``no``/``on`` stay words, ``0.1`` is exactly 1/10). Documents whose nesting
    could be deep go through the pure-Python composer instead, which fails cleanly. A document that
    expands (through aliases) to more values than the ``yaml_values`` limit in force is refused.
    """
    import yaml

    loader = yaml.CSafeLoader if getattr(yaml, "__with_libyaml__", False) else yaml.SafeLoader
    if _nesting_bound(text) > MAX_DEPTH:
        loader = yaml.SafeLoader  # libyaml's recursive composer could overflow the C stack
    old_limit = sys.getrecursionlimit()
    try:
        sys.setrecursionlimit(max(old_limit, 6000))
        nodes = list(yaml.compose_all(text, Loader=loader))
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = Location(name, mark.line + 1, mark.column + 1) if mark else Location(name)
        problem = (err.problem or err.context or "invalid YAML").strip()
        raise KimgameError(f"invalid YAML: {problem}", where) from None
    except yaml.YAMLError as err:
        raise KimgameError(f"invalid YAML: {err}", Location(name)) from None
    except RecursionError:
        raise KimgameError(f"YAML nested too deeply (limit {MAX_DEPTH} levels)", Location(name)) from None
    finally:
        sys.setrecursionlimit(old_limit)
    if len(nodes) > 1:
        mark = nodes[1].start_mark
        raise KimgameError("the file holds more than one YAML document ('---'); keep one game per file",
                           Location(name, mark.line + 1, mark.column + 1))
    if not nodes or (nodes[0].tag.endswith(":null") and nodes[0].value in ("", "~", "null")):
        raise KimgameError("the file is empty; see docs/yaml-format.md for what a payoff file holds", Location(name, 1, 1))
    size = _expanded_size(nodes[0], name)
    max_values = current_limits().yaml_values
    if size > max_values:
        mark = nodes[0].start_mark
        raise KimgameError(
            f"the document expands to {size:,} values, more than the limit of {max_values:,} (aliases '*name' "
            "repeating large parts?); make the file smaller, or raise the limit with --limit yaml_values=N",
            Location(name, mark.line + 1, mark.column + 1))
    return _Converter(name, max_values).convert(nodes[0], 0)


def _expanded_size(root: Any, name: str = "<string>") -> int:
    """Number of values the document has once aliases are expanded, computed without expanding them
    (each distinct node is visited once; a node reached through several aliases counts each time).

    A recursive alias (``a: &x [1, *x]``: a value that contains itself, which PyYAML's composer builds
    as a cycle) has no finite expansion: :class:`KimgameError` at the node it loops back to."""
    import yaml

    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()  # nodes whose children are being counted: the current path from the root
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        if isinstance(node, yaml.ScalarNode):
            sizes[id(node)] = 1
            continue
        kids = [v for pair in node.value for v in pair] if isinstance(node, yaml.MappingNode) else list(node.value)
        if children_done:
            sizes[id(node)] = 1 + sum(sizes[id(k)] for k in kids)
            open_nodes.discard(id(node))
            continue
        if id(node) in open_nodes:  # reached again through one of its own descendants
            mark = node.start_mark
            raise KimgameError("a recursive alias: this value contains itself through an alias '*name', so it "
                               "never ends; refer to the anchor only from outside it",
                               Location(name, mark.line + 1, mark.column + 1))
        open_nodes.add(id(node))
        stack.append((node, True))
        stack.extend((k, False) for k in kids if id(k) not in sizes)
    return sizes[id(root)]


def _nesting_bound(text: str) -> int:
    """A cheap upper bound of the document's nesting depth (indentation, flow brackets, '- ' runs)."""
    depth = flow = 0
    for line in text.splitlines():
        stripped = line.lstrip(" ")
        flow += line.count("[") + line.count("{") - line.count("]") - line.count("}")
        dashes = len(stripped) - len(stripped.lstrip("- "))
        depth = max(depth, len(line) - len(stripped) + dashes + max(flow, 0) + line.count("[") + line.count("{"))
    return depth


def load_yaml(path: str | Path) -> YNode:
    """Read and parse a YAML file into a :class:`YNode` tree with locations."""
    return parse_yaml(read_text(path), str(path))


_STANDARD = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {f"{_STANDARD}{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")}
_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")


def resolve_plain(text: str) -> Scalar:
    """The value of a plain (unquoted) scalar by the YAML 1.2 core schema; decimals exact."""
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if _INT.fullmatch(text):
        return int(text, 0) if text[:2] in ("0o", "0x") else int(text)
    number = parse_number(text) if any(ch.isdigit() for ch in text) and "/" not in text else None
    return number if number is not None else text


class _Converter:
    def __init__(self, name: str, max_values: int) -> None:
        self.name = name
        self.count = 0
        self.max_values = max_values

    def at(self, mark: Any) -> Location:
        return Location(self.name, mark.line + 1, mark.column + 1)

    def convert(self, node: Any, depth: int) -> YNode:
        import yaml

        where = self.at(node.start_mark)
        self.count += 1
        if self.count > self.max_values:
            raise KimgameError(
                f"the document expands to more than {self.max_values:,} values, the limit (aliases '*name' "
                "repeating large parts?); make the file smaller, or raise the limit with --limit yaml_values=N",
                where,
            )
        if depth > MAX_DEPTH:
            raise KimgameError(f"YAML nested too deeply (limit {MAX_DEPTH} levels)", where)
        if node.tag not in _ALLOWED_TAGS:
            raise KimgameError(f"YAML tags such as '{node.tag}' are not allowed in payoff files; remove the tag",
                               where)
        if isinstance(node, yaml.MappingNode):
            out: dict[str, YNode] = {}
            for key_node, value_node in node.value:
                key_where = self.at(key_node.start_mark)
                if not isinstance(key_node, yaml.ScalarNode):
                    raise KimgameError("keys must be names, not lists or mappings", key_where)
                key = key_node.value
                if key in out:
                    raise KimgameError(f"invalid YAML: duplicate key '{key}'; each key may appear once in a "
                                       "mapping: remove or rename one", key_where)
                out[key] = self.convert(value_node, depth + 1)
            return YNode(out, where)
        if isinstance(node, yaml.SequenceNode):
            return YNode([self.convert(v, depth + 1) for v in node.value], where)
        if node.style:  # quoted or block scalar: always text
            return YNode(node.value, where)
        return YNode(resolve_plain(node.value), where)
