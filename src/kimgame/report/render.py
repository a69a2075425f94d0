"""Drawing report sections as terminal text (rich) or markdown."""

from __future__ import annotations

import io

from kimgame.report.cut import cut_sections
from kimgame.report.sections import Section, Table


def render_text(title: str, subtitle: str, sections: list[Section], width: int | None = None) -> str:
    """The sections as terminal text with rich tables (plain text when not on a terminal)."""
    from rich.console import Console
    from rich.table import Table as RichTable
    from rich.text import Text

    buf = io.StringIO()
    console = Console(file=buf, width=width or 110, force_terminal=False, color_system=None,
                      highlight=False, soft_wrap=False)
    console.print(Text(title, style="bold"))
    if subtitle:
        console.print(Text(subtitle))
    for section in sections:
        console.print()
        console.print(Text(section.heading, style="bold underline"))
        for block in section.blocks:
            if isinstance(block, Table):
                table = RichTable(title=block.title or None, show_lines=False, title_justify="left")
                for h in block.headers:
                    table.add_column(h, overflow="fold")
                for row in block.rows:
                    table.add_row(*row)
                console.print(table)
            else:
                console.print(Text(block))
    return buf.getvalue()


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(title: str, subtitle: str, sections: list[Section]) -> str:
    """The sections as GitHub-flavoured markdown (pipe tables), ready to paste into notes."""
    out = [f"# {title}", ""]
    if subtitle:
        out += [subtitle, ""]
    for section in sections:
        out += [f"## {section.heading}", ""]
        for block in section.blocks:
            if isinstance(block, Table):
                if block.title:
                    out += [f"**{block.title}**", ""]
                out.append("| " + " | ".join(_md_cell(h) for h in block.headers) + " |")
                out.append("|" + "---|" * len(block.headers))
                for row in block.rows:
                    out.append("| " + " | ".join(_md_cell(c) for c in row) + " |")
                out.append("")
            else:
                out += [block, ""]
    return "\n".join(out).rstrip() + "\n"


def render_sections(title: str, subtitle: str, sections: list[Section], fmt: str, *, cut: bool) -> str:
    """The sections as markdown (``fmt == "markdown"``) or terminal text; ``cut``: long tables and lines cut
    to size first, saying so (:mod:`kimgame.report.cut`)."""
    if cut:
        sections = cut_sections(sections)
    if fmt == "markdown":
        return render_markdown(title, subtitle, sections)
    return render_text(title, subtitle, sections)


def render_rich(renderable: object, width: int = 110) -> str:
    """A rich renderable (a tree, a table) as plain text without colours."""
    from rich.console import Console

    buf = io.StringIO()
    Console(file=buf, width=width, color_system=None, highlight=False).print(renderable)
    return buf.getvalue()
