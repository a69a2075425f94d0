"""Report :class:`~kimgame.report.sections.Section` lists drawn as HTML (escaped), so the page, the
notebook displays and the text report say the same things."""

from __future__ import annotations

from html import escape

from kimgame.report.sections import Section, Table

MAX_HTML_ROWS = 50  # longer tables are cut, with a note saying how many rows were left out


def table_html(table: Table, max_rows: int | None = MAX_HTML_ROWS) -> str:
    """One table (at most ``max_rows`` rows, then a note; None: all)."""
    head = "".join(f"<th>{escape(h)}</th>" for h in table.headers)
    rows = table.rows if max_rows is None else table.rows[:max_rows]
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    caption = f"<caption>{escape(table.title)}</caption>" if table.title else ""
    cut = len(table.rows) - len(rows)
    note = f'<p class="note">… and {cut} more rows (kimgame solve --format json lists all)</p>' if cut else ""
    return f'<table class="kg">{caption}<tr>{head}</tr>{body}</table>{note}'


def sections_html(sections: list[Section], level: int = 2, max_rows: int | None = MAX_HTML_ROWS) -> str:
    """The sections as headed HTML blocks: text lines as paragraphs, tables as tables."""
    out = []
    for section in sections:
        out.append(f"<h{level}>{escape(section.heading)}</h{level}>")
        for block in section.blocks:
            out.append(table_html(block, max_rows) if isinstance(block, Table) else f"<p>{escape(block)}</p>")
    return "\n".join(out)
