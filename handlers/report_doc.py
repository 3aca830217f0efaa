"""A report as a document, whatever it is written out as (HTML, Markdown, CSV, PDF: bot.reports): a title, the
key figures, sections of tables and charts, and the notes that say what the figures mean. Every chart carries
its numbers, so a renderer can put them in a table beside it and say them in words for a screen reader."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Figure:
    """One key figure: 'Raised' -> '42'. `number` and `unit`: the same as a spreadsheet wants it ('0.92',
    'share'), when the words are more than a number."""

    label: str
    value: str
    number: str = ""
    unit: str = ""


@dataclass(frozen=True, slots=True)
class Table:
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: tuple[int, ...]
    colour: str = ""  # '#b3261e': a colour that means something (RAG); the renderer's palette otherwise


@dataclass(frozen=True, slots=True)
class BarChart:
    """Bars for each of `labels` (one bar per series, side by side; or one bar of them all, `stacked`).
    `summary`: the chart in words."""

    title: str
    summary: str
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    label_heading: str = ""  # what the labels are ('Day'), the first column of its table
    stacked: bool = False

    def table(self) -> Table:
        """Its numbers, for beside the chart."""
        rows = tuple((label, *(str(s.values[i]) for s in self.series)) for i, label in enumerate(self.labels))
        return Table(self.title, (self.label_heading, *(s.name for s in self.series)), rows)


@dataclass(frozen=True, slots=True)
class Section:
    heading: str
    text: str = ""
    tables: tuple[Table, ...] = ()
    chart: BarChart | None = None


@dataclass(frozen=True, slots=True)
class Document:
    title: str
    subtitle: str
    figures: tuple[Figure, ...] = ()
    sections: tuple[Section, ...] = ()
    notes: tuple[str, ...] = field(default=())
    #: The rows a spreadsheet wants (one per action, say); without it, CSV has one row per figure.
    rows: Table | None = None
