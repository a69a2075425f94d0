"""Bad input: one clear message with file:line:col, exit code 2, never a traceback."""

from __future__ import annotations

import re

import pytest

from clirun import run_cli

GOOD = """
kimgame: 1
title: t
players: [A, B]
parameters:
  x: {value: 1/2, range: [0, 1], doc: a probability}
strategies: {A: [up, down], B: [left, right]}
payoffs:
  up:   {left: [x, 1], right: [0, 0]}
  down: {left: [0, 0], right: [1, x]}
"""

CASES = [
    # (name, text or replacement, expected fragment, expected line)
    ("unknown player in strategies", GOOD.replace("B: [left, right]}", "B: [left, right], C: [a]}"),
     "'C' is not a player", 6),
    ("unknown strategy in payoffs", GOOD.replace("right: [1, x]", "rihgt: [1, x]"),
     "'rihgt' is not a strategy of B (did you mean 'right'?)", 9),
    ("missing payoff cell", GOOD.replace("  down: {left: [0, 0], right: [1, x]}\n", "  down: {left: [0, 0]}\n"),
     "no entry for B's strategy 'right'", 9),
    ("payoff vector of wrong length", GOOD.replace("left: [x, 1]", "left: [x, 1, 2]"),
     "expected a list of 2 payoffs", 8),
    ("undefined parameter", GOOD.replace("right: [1, x]", "right: [1, y]"),
     "'y' is not a declared parameter", 9),
    ("value outside range", GOOD.replace("value: 1/2", "value: 3/2"), "outside its declared range", 5),
    ("division by zero", GOOD.replace("left: [x, 1]", "left: [x/(x - 1/2), 1]"), "division by zero", 8),
    ("python call", GOOD.replace("left: [x, 1]", "left: [\"__import__('os').system('touch /tmp/kimgame-pwned')\", 1]"),
     "not allowed", 8),
    ("malformed yaml", GOOD.replace("  up:   {left: [x, 1], right: [0, 0]}", "  up:   {left: [x, 1], right: [0, 0]"),
     "invalid YAML", None),
    ("unknown top-level key", GOOD.replace("title: t", "titel: t"), "unknown key 'titel' (did you mean 'title'?)", 2),
    ("duplicate key", GOOD.replace("title: t", "title: t\ntitle: u"), "duplicate key", 3),
    ("yaml tag", GOOD.replace("title: t", "title: !!python/object/apply:os.system [ls]"), "tags", 2),
    ("missing version", GOOD.replace("kimgame: 1\n", ""), "kimgame: 1", 1),
    ("bool payoff", GOOD.replace("left: [0, 0], right", "left: [true, 0], right"), "found 'true'", 9),
]


@pytest.mark.parametrize(("name", "text", "fragment", "line"), CASES, ids=[c[0] for c in CASES])
def test_bad_file_gives_one_message_and_exit_2(write_yaml, name, text, fragment, line):
    path = write_yaml(text)
    for command in ("solve", "validate"):
        run = run_cli(command, path)
        assert run.code == 2, run
        assert "Traceback" not in run.err and run.out == ""
        assert fragment in run.err
        if line is not None:
            assert re.search(rf"{re.escape(str(path))}:{line}:\d+: ", run.err), run.err


def test_python_in_a_payoff_is_never_executed(write_yaml, tmp_path):
    marker = tmp_path / "pwned"
    path = write_yaml(GOOD.replace("left: [x, 1]", f"left: [\"__import__('os').system('touch {marker}')\", 1]"))
    assert run_cli("solve", path).code == 2
    assert not marker.exists()


def test_validate_lists_every_problem(write_yaml):
    text = GOOD.replace("right: [1, x]", "right: [1, y]").replace("left: [x, 1]", "left: [x, 1, 2]")
    run = run_cli("validate", write_yaml(text))
    assert run.code == 2
    assert "'y' is not a declared parameter" in run.err and "expected a list of 2 payoffs" in run.err


def test_good_file_validates(write_yaml):
    run = run_cli("validate", write_yaml(GOOD))
    assert run.code == 0 and "OK" in run.out


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--set", "x=abc"], "'abc' is not a number"),
        (["--set", "x=2"], "outside its declared range"),
        (["--set", "zz=1"], "no parameter named 'zz'"),
        (["--set", "x"], "NAME=VALUE"),
        (["--format", "pdf"], "pdf"),
        (["--method", "magic"], "unknown method 'magic'"),
    ],
)
def test_bad_options_exit_2(write_yaml, args, fragment):
    run = run_cli("solve", write_yaml(GOOD), *args)
    assert run.code == 2, run
    assert fragment in run.err and "Traceback" not in run.err


@pytest.mark.parametrize(
    ("content", "fragment"),
    [("", "the file is empty"), ("just text", "a payoff file is a mapping"), ("- 1\n- 2\n", "a payoff file is a mapping")],
)
def test_empty_or_wrong_shape_file(write_yaml, content, fragment):
    run = run_cli("solve", write_yaml(content or "\n"))
    assert run.code == 2 and fragment in run.err


def test_missing_file_directory_and_bad_bytes(tmp_path):
    assert "no such file" in run_cli("solve", tmp_path / "nope.yaml").err
    run = run_cli("solve", tmp_path)
    assert run.code == 2 and "is a folder" in run.err
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"kimgame: 1\ntitle: caf\xe9\n")
    run = run_cli("solve", bad)
    assert run.code == 2 and f"{bad}:2:11:" in run.err and "UTF-8" in run.err


def test_billion_laughs_is_refused(write_yaml):
    lines = ["a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    for k in range(1, 9):
        refs = ", ".join([f"*a{k - 1}"] * 10)
        lines.append(f"a{k}: &a{k} [{refs}]")
    run = run_cli("validate", write_yaml("\n".join(lines) + "\n"))
    assert run.code == 2 and "the document expands to 1,234,567,909 values, more than the limit" in run.err


@pytest.mark.parametrize("text", ["a: &x [1, *x]\n", "a: &x {b: *x}\n", "a: &x [1, [2, {c: *x}]]\n"])
def test_recursive_alias_is_refused_not_looped_over(write_yaml, text):
    # PyYAML composes a value that contains itself as a cycle: counting its expansion must not loop forever
    path = write_yaml(text)
    run = run_cli("validate", path)
    assert run.code == 2 and f"{path}:1:4:" in run.err and "recursive alias" in run.err


def test_shared_aliases_are_not_mistaken_for_recursion(write_yaml):
    text = "a: &x [1, 2]\nb: &y [*x, *x]\nc: [*y, *y, *x]\n"
    run = run_cli("validate", write_yaml(text))
    assert run.code == 2 and "recursive" not in run.err  # it is not a game, but its YAML is fine
