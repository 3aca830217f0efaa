"""A Document as HTML, Markdown, CSV or PDF bytes."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator

from jinja2 import Environment, PackageLoader, select_autoescape
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Table as PdfTable

from bot.reports import charts
from handlers.report_doc import Document, Table


def markdown(doc: Document) -> bytes:
    """Pastes into a committee report: headings, the key figures as a list, pipe tables."""
    lines = [f"# {_md(doc.title)}", "", _md(doc.subtitle), ""]
    lines += [f"- **{_md(f.label)}:** {_md(f.value)}" for f in doc.figures]
    for section in doc.sections:
        lines += ["", f"## {_md(section.heading)}", ""]
        if section.text:
            lines += [_md(section.text), ""]
        tables = list(section.tables)
        if section.chart is not None:
            lines += [f"*{_md(section.chart.summary)}*", ""]
            tables.append(section.chart.table())
        for table in tables:
            lines += [*_md_table(table), ""]
    if doc.notes:
        lines += ["## Notes", "", *(f"- {_md(note)}" for note in doc.notes)]
    return ("\n".join(lines).rstrip() + "\n").encode()


def _md(text: str) -> str:
    """Text as Markdown shows it: its markup characters escaped."""
    for mark in "\\`*_[]<>|#":
        text = text.replace(mark, "\\" + mark)
    return text


def _md_table(table: Table) -> Iterator[str]:
    yield f"**{_md(table.caption)}**"
    yield ""
    yield "| " + " | ".join(_md(c) or " " for c in table.columns) + " |"
    yield "|" + "|".join(" ---: " if i and _numeric(table, i) else " --- " for i, _ in enumerate(table.columns)) + "|"
    for row in table.rows:
        yield "| " + " | ".join(_md(cell) for cell in row) + " |"


def _numeric(table: Table, column: int) -> bool:
    """A column of figures ('12', '40%', '3.5 h'), aligned right; words stay on the left."""
    return all(cell[:1].isdigit() or cell in ("", "-", "none measured") for cell in (r[column] for r in table.rows))


def csv_rows(doc: Document) -> Iterator[tuple[str, str, str, str]]:
    """One row per figure: section, item, measure, value (the chart's numbers included)."""
    for f in doc.figures:
        yield ("Summary", f.label, f.unit or "value", f.number or f.value)
    for section in doc.sections:
        tables = [*section.tables, *([section.chart.table()] if section.chart else [])]
        for table in tables:
            for row in table.rows:
                for measure, value in zip(table.columns[1:], row[1:], strict=True):
                    yield (f"{section.heading}: {table.caption}", row[0], measure or "value", value)


def csv_text(doc: Document) -> bytes:
    """The document's own rows when it has them (one per action, say), else one row per figure."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if doc.rows is not None:
        writer.writerow(tuple(_cell(c) for c in doc.rows.columns))
        rows = iter(doc.rows.rows)
    else:
        writer.writerow(("section", "item", "measure", "value"))
        rows = csv_rows(doc)
    for row in rows:
        writer.writerow(tuple(_cell(v) for v in row))
    return out.getvalue().encode("utf-8-sig")  # the byte-order mark: Excel reads it as UTF-8


def _cell(value: str) -> str:
    """A spreadsheet never takes a cell for a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") and value != "-" else value


_templates = Environment(
    loader=PackageLoader("bot.reports", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def html(doc: Document) -> bytes:
    """Self-contained (no fetches: styles inline, the chart as inline SVG), prints on A4."""
    sections = [(s, charts.svg(s.chart, f"chart-{n}") if s.chart else None) for n, s in enumerate(doc.sections, 1)]
    page = _templates.get_template("report.html.j2").render(doc=doc, sections=sections)
    return page.encode()


def pdf(doc: Document) -> bytes:
    styles = getSampleStyleSheet()

    def para(text: str, style: str = "BodyText") -> Paragraph:
        return Paragraph(_xml(text), styles[style])

    def table(t: Table) -> list:
        data = [[para(c, "BodyText") for c in t.columns], *[[para(cell) for cell in row] for row in t.rows]]
        grid = PdfTable(data, hAlign="LEFT", repeatRows=1)
        grid.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return [KeepTogether([para(t.caption, "Heading4"), grid]), Spacer(1, 4 * mm)]

    story: list = [para(doc.title, "Title"), para(doc.subtitle), Spacer(1, 4 * mm)]
    story += table(Table("Key figures", ("Measure", "Value"), tuple((f.label, f.value) for f in doc.figures)))
    for section in doc.sections:
        story.append(para(section.heading, "Heading2"))
        if section.text:
            story.append(para(section.text))
        if section.chart is not None:
            story += [para(section.chart.title, "Heading4"), charts.drawing(section.chart, 480, 220)]
            story.append(para(section.chart.summary, "Italic"))
        for t in section.tables:
            story += table(t)
        if section.chart is not None:
            story += table(section.chart.table())
    if doc.notes:
        story.append(para("Notes", "Heading2"))
        story += [para(note) for note in doc.notes]
    out = io.BytesIO()
    margins = 18 * mm
    SimpleDocTemplate(
        out,
        pagesize=A4,
        title=doc.title,
        author="ICT Assistant",
        leftMargin=margins,
        rightMargin=margins,
        topMargin=margins,
        bottomMargin=margins,
        lang="en-GB",
    ).build(story)
    return out.getvalue()


def _xml(text: str) -> str:
    """Text for a reportlab Paragraph, which reads a little XML markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


FORMATS: dict[str, Callable[[Document], bytes]] = {"html": html, "md": markdown, "csv": csv_text, "pdf": pdf}


def render(doc: Document, fmt: str) -> bytes:
    return FORMATS[fmt](doc)
