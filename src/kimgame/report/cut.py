"""Long reports cut to a readable size, saying what was left out and how to see it (``--full``).

A table keeps its first ``MAX_ROWS`` rows and ``MAX_COLUMNS`` columns; a text line keeps its first
``MAX_LINE`` characters. Each cut adds one line naming the numbers left out, ``--full`` and
``--format json`` (which never cuts).
"""

from __future__ import annotations

from kimgame.report.sections import Section, Table

MAX_ROWS = 40
MAX_COLUMNS = 12
MAX_LINE = 1500
HINT = "--full prints everything; --format json has it all"


def cut_table(table: Table) -> tuple[Table, str | None]:
    """The table within ``MAX_ROWS`` x ``MAX_COLUMNS``, and the note on what was cut (None if nothing)."""
    rows, cols = len(table.rows), len(table.headers)
    if rows <= MAX_ROWS and cols <= MAX_COLUMNS:
        return table, None
    keep = min(cols, MAX_COLUMNS)
    cut = Table(table.headers[:keep], tuple(r[:keep] for r in table.rows[:MAX_ROWS]), table.title)
    left = []
    if rows > MAX_ROWS:
        left.append(f"{rows - MAX_ROWS} of {rows} rows")
    if cols > MAX_COLUMNS:
        left.append(f"{cols - MAX_COLUMNS} of {cols} columns")
    return cut, f"… table cut: {' and '.join(left)} not shown ({HINT})"


def cut_sections(sections: list[Section]) -> list[Section]:
    """``sections`` with every table and text line cut to size (see the module doc)."""
    out = []
    for section in sections:
        blocks: list[str | Table] = []
        for block in section.blocks:
            if isinstance(block, Table):
                table, note = cut_table(block)
                blocks.append(table)
                if note:
                    blocks.append(note)
            elif len(block) > MAX_LINE:
                blocks.append(block[:MAX_LINE] + f" … ({len(block) - MAX_LINE} more characters; {HINT})")
            else:
                blocks.append(block)
        out.append(Section(section.heading, tuple(blocks)))
    return out
