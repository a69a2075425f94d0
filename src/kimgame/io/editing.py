"""Editing parameters of a payoff file in place, keeping every other byte as it was.

The file is parsed to find the exact character span of each value to change (ruamel.yaml's composer
records start and end marks), the spans are replaced in the original text, the edited text is
validated as a game, and only then written — atomically (a temporary file in the same folder, then a
rename) with the original file mode. Comments, key order, alignment and quoting elsewhere are kept
byte for byte; an invalid edit leaves the file untouched.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from kimgame.errors import KimgameError, Location
from kimgame.expr.numbers import parse_number

# a plain scalar that reads back as itself in block and flow context alike ("{value: 3, doc: ...}"): no
# commas, brackets, colons or '#'; a leading letter or digit (not '-', "'", '*', ...). Anything else is
# written as a double-quoted JSON string, which YAML reads back exactly.
_PLAIN_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _.;()'’/+*-]*")


@dataclass(frozen=True)
class Edit:
    """The outcome of :func:`set_parameters`: the text before and after, and a unified diff."""

    path: str
    before: str
    after: str
    written: bool

    @property
    def diff(self) -> str:
        """Unified diff of the change (empty when nothing changed)."""
        return "".join(difflib.unified_diff(self.before.splitlines(True), self.after.splitlines(True),
                                            f"{self.path} (before)", f"{self.path} (after)"))


def _number_text(name: str, raw: str) -> str:
    text = str(raw).strip()
    if parse_number(text) is None:
        raise KimgameError(f"{name}={raw}: '{text}' is not a number; write a value like 120, 0.4 or 2/5")
    return text


def _doc_text(doc: str) -> str:
    return doc if _PLAIN_SAFE.fullmatch(doc) and doc == doc.strip() and doc else json.dumps(doc, ensure_ascii=False)


def _find(mapping, key: str):
    from ruamel.yaml.nodes import MappingNode

    if not isinstance(mapping, MappingNode):
        return None, None
    for k, v in mapping.value:
        if getattr(k, "value", None) == key:
            return k, v
    return None, None


def set_parameters(
    path: str | Path,
    values: Mapping[str, str] | None = None,
    *,
    ranges: Mapping[str, tuple[str, str]] | None = None,
    docs: Mapping[str, str] | None = None,
    dry_run: bool = False,
) -> Edit:
    """Change parameter values (and optionally ranges and docs) in a YAML payoff file.

    ``values`` maps names to exact number texts (``"0.4"``, ``"2/5"``, ``"120"``). The edited file must
    still be a valid game (values inside their ranges); otherwise :class:`KimgameError` is raised and
    the file is left byte-for-byte unchanged. With ``dry_run`` nothing is written. Returns an :class:`Edit`.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.nodes import MappingNode, ScalarNode

    from kimgame.io.payoff_file import parse_game
    from kimgame.io.yaml_source import parse_yaml, read_text

    name = str(path)
    if Path(name).suffix.lower() not in (".yaml", ".yml"):
        raise KimgameError("kimgame set edits YAML payoff files (.yaml); convert other formats first", Location(name))
    before = read_text(path)
    parse_game(parse_yaml(before, name), name)  # refuse to edit a file that is already broken
    try:
        root = YAML(typ="rt").compose(before)
    except YAMLError as err:  # pragma: no cover - parse_yaml above already reported it
        raise KimgameError(f"invalid YAML: {err}", Location(name)) from None
    _, params = _find(root, "parameters")
    if not isinstance(params, MappingNode):
        raise KimgameError("the file declares no 'parameters:' to set", Location(name))

    replacements: list[tuple[int, int, str]] = []
    todo = {**{k: None for k in (values or {})}, **{k: None for k in (ranges or {})}, **{k: None for k in (docs or {})}}
    for pname in todo:
        key, node = _find(params, pname)
        if node is None:
            known = ", ".join(k.value for k, _ in params.value)
            raise KimgameError(f"no parameter named '{pname}' (parameters: {known})", Location(name))
        where = Location(name, key.start_mark.line + 1, key.start_mark.column + 1)
        if isinstance(node, ScalarNode):  # short form NAME: VALUE
            if (ranges and pname in ranges) or (docs and pname in docs):
                raise KimgameError(f"parameter {pname} is written in short form; write it as "
                                   f"{{value: ..., range: [...], doc: ...}} to set its range or doc", where)
            if values and pname in values:
                replacements.append((node.start_mark.index, node.end_mark.index, _number_text(pname, values[pname])))
            continue
        if values and pname in values:
            _, vnode = _find(node, "value")
            replacements.append((vnode.start_mark.index, vnode.end_mark.index, _number_text(pname, values[pname])))
        for field, new_text in (
            ("range", f"[{_number_text(pname, ranges[pname][0])}, {_number_text(pname, ranges[pname][1])}]"
             if ranges and pname in ranges else None),
            ("doc", _doc_text(docs[pname]) if docs and pname in docs else None),
        ):
            if new_text is None:
                continue
            _, fnode = _find(node, field)
            if fnode is not None:
                replacements.append((fnode.start_mark.index, fnode.end_mark.index, new_text))
            elif node.flow_style:
                close = node.end_mark.index - 1  # the closing brace
                replacements.append((close, close, f", {field}: {new_text}"))
            else:
                last_key, last_value = node.value[-1]
                indent = " " * last_key.start_mark.column
                end = _line_end(before, last_value.end_mark.index)
                replacements.append((end, end, f"\n{indent}{field}: {new_text}"))
    after = before
    for start, end, text in sorted(replacements, reverse=True):
        after = after[:start] + text + after[end:]
    parse_game(parse_yaml(after, name), name)  # the edited game must be valid (ranges, payoffs, ...)
    written = False
    if not dry_run and after != before:
        atomic_write(Path(name), after)
        written = True
    return Edit(name, before, after, written)


def _line_end(text: str, index: int) -> int:
    # the end mark of a block value may sit at the start of the next line; step back over the newline
    idx = index
    while idx > 0 and text[idx - 1] in "\n\r":
        idx -= 1
    return idx


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically: temporary file in the same folder, fsync, rename; mode kept."""
    with atomic_open(path) as handle:
        handle.write(text)


@contextmanager
def atomic_open(path: Path) -> Iterator[IO[str]]:
    """A text file to write ``path`` through: a temporary file in the same folder, fsynced and renamed to
    ``path`` when the ``with`` block ends normally, removed if it ends by an error or Ctrl-C (so a file at
    ``path`` is always complete); the mode of an existing ``path`` is kept."""
    mode = path.stat().st_mode & 0o7777 if path.exists() else None
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
