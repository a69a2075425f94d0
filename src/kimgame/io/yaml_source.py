"""Reading YAML safely into a tree of values that remember where they were written.

Built on ruamel.yaml's round-trip loader (it keeps line numbers and, for ``kimgame set``, comments).
On top of it: decimals are read exactly (``0.1`` is 1/10), tags are refused (no Python objects are
ever constructed), duplicate keys are an error, aliases may be used for repeated sub-trees but the
expanded document is bounded (no "billion laughs"), and deep nesting is refused instead of crashing.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from kimgame.errors import KimgameError, Location

MAX_FILE_BYTES = 20_000_000
MAX_EXPANDED_NODES = 2_000_000  # nodes after expanding aliases
MAX_DEPTH = 400

Scalar = str | int | Fraction | bool | None


@dataclass(frozen=True, slots=True)
class YNode:
    """A YAML value with its location: ``value`` is a dict (str -> YNode), a list of YNode, or a scalar."""

    value: Any
    where: Location

    @property
    def is_map(self) -> bool:
        return isinstance(self.value, dict)

    @property
    def is_list(self) -> bool:
        return isinstance(self.value, list)

    @property
    def is_scalar(self) -> bool:
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


def _yaml_loader():
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import RoundTripConstructor

    from kimgame.expr.numbers import parse_number

    class ExactConstructor(RoundTripConstructor):
        """Round-trip constructor that reads YAML floats as exact Fractions."""

    def construct_exact_float(constructor: Any, node: Any) -> Fraction | str:
        number = parse_number(node.value)
        return number if number is not None else node.value

    ExactConstructor.add_constructor("tag:yaml.org,2002:float", construct_exact_float)
    yaml = YAML(typ="rt")
    yaml.Constructor = ExactConstructor
    yaml.allow_duplicate_keys = False
    return yaml


def read_text(path: str | Path) -> str:
    """The file's text, decoded as UTF-8; a :class:`KimgameError` for a missing file, a folder or bad bytes."""
    p = Path(path)
    name = str(path)
    if not p.exists():
        raise KimgameError(f"no such file: '{name}'; check the path", Location(name))
    if p.is_dir():
        raise KimgameError(f"'{name}' is a folder; give a payoff file (.yaml, .nfg or .efg)", Location(name))
    size = p.stat().st_size
    if size > MAX_FILE_BYTES:
        raise KimgameError(f"file is {size} bytes; the limit is {MAX_FILE_BYTES}", Location(name))
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
    """Parse YAML ``text`` (from file ``name``) into a :class:`YNode` tree."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = _yaml_loader()
    old_limit = sys.getrecursionlimit()
    try:
        sys.setrecursionlimit(max(old_limit, 6000))
        data = yaml.load(text)
    except MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = Location(name, mark.line + 1, mark.column + 1) if mark else Location(name)
        problem = (err.problem or err.context or "invalid YAML").strip()
        if "duplicate key" in problem:
            problem += "; each key may appear once in a mapping: remove or rename one"
        raise KimgameError(f"invalid YAML: {problem}", where) from None
    except YAMLError as err:
        raise KimgameError(f"invalid YAML: {err}", Location(name)) from None
    except RecursionError:
        raise KimgameError(f"YAML nested too deeply (limit {MAX_DEPTH} levels)", Location(name)) from None
    finally:
        sys.setrecursionlimit(old_limit)
    if data is None:
        raise KimgameError("the file is empty; see docs/yaml-format.md for what a payoff file holds", Location(name, 1, 1))
    return _Converter(name).convert(data, Location(name, 1, 1), 0)


def load_yaml(path: str | Path) -> YNode:
    """Read and parse a YAML file into a :class:`YNode` tree with locations."""
    return parse_yaml(read_text(path), str(path))


class _Converter:
    def __init__(self, name: str) -> None:
        self.name = name
        self.count = 0

    def at(self, pos: tuple[int, int] | None, fallback: Location) -> Location:
        if pos is None:
            return fallback
        return Location(self.name, pos[0] + 1, pos[1] + 1)

    def convert(self, obj: Any, where: Location, depth: int) -> YNode:
        from ruamel.yaml.comments import CommentedMap, CommentedSeq

        self.count += 1
        if self.count > MAX_EXPANDED_NODES:
            raise KimgameError(
                f"the document expands to more than {MAX_EXPANDED_NODES} values (aliases '*name' "
                "repeating large parts?); make the file smaller",
                where,
            )
        if depth > MAX_DEPTH:
            raise KimgameError(f"YAML nested too deeply (limit {MAX_DEPTH} levels)", where)
        tag = getattr(obj, "tag", None)
        if tag is not None and getattr(tag, "value", None) is not None:
            raise KimgameError(
                f"YAML tags such as '{tag.value}' are not allowed in payoff files; remove the tag", where
            )
        if isinstance(obj, CommentedMap):
            out: dict[str, YNode] = {}
            for key in obj:
                key_where = self.at(_safe(obj.lc.key, key), where)
                if not isinstance(key, (str, int)) or isinstance(key, bool):
                    raise KimgameError(f"keys must be names; found {key!r}", key_where)
                value_where = self.at(_safe(obj.lc.value, key), key_where)
                out[str(key)] = self.convert(obj[key], value_where, depth + 1)
            return YNode(out, where)
        if isinstance(obj, CommentedSeq):
            items = [self.convert(v, self.at(_safe(obj.lc.item, i), where), depth + 1) for i, v in enumerate(obj)]
            return YNode(items, where)
        if isinstance(obj, bool) or obj is None:
            return YNode(obj, where)
        if isinstance(obj, int):
            return YNode(int(obj), where)
        if isinstance(obj, Fraction):
            return YNode(obj, where)
        if isinstance(obj, str):
            return YNode(str(obj), where)
        raise KimgameError(f"unsupported YAML value {type(obj).__name__}; use numbers, text, lists and mappings", where)


def _safe(getter: Any, key: Any) -> tuple[int, int] | None:
    try:
        pos = getter(key)
    except (KeyError, IndexError, AttributeError, TypeError):
        return None
    return (pos[0], pos[1]) if pos is not None else None
