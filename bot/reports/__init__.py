"""Reports written out as files: a handlers.report_doc.Document as self-contained HTML (its chart as inline
SVG), Markdown, CSV or PDF (reportlab, which installs with pip alone)."""

from bot.reports.render import FORMATS, render

__all__ = ["FORMATS", "render"]
