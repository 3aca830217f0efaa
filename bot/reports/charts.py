"""A report's bar chart drawn with reportlab's charts: inline SVG for HTML, the same drawing for PDF."""

from __future__ import annotations

import re
from html import escape

from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors

from handlers.report_doc import BarChart

#: Series colours, distinguishable with the common colour-vision deficiencies (and every value is in the
#: table beside the chart as well).
PALETTE = ("#1d4f91", "#e08a00", "#3a7d44", "#7a3b8f")
WIDTH, HEIGHT = 640, 260


def drawing(chart: BarChart, width: int = WIDTH, height: int = HEIGHT) -> Drawing:
    d = Drawing(width, height)
    bars = VerticalBarChart()
    bars.x, bars.y, bars.width, bars.height = 40, 55, width - 60, height - 90
    bars.data = [s.values or (0,) for s in chart.series]
    many = len(chart.labels) > 12  # a month of days: the day's number alone ('1 Nov' -> '1')
    bars.categoryAxis.categoryNames = [label.split()[0] if many else label for label in chart.labels] or [""]
    bars.categoryAxis.labels.fontSize = 9
    bars.valueAxis.valueMin = 0
    if chart.stacked:
        bars.categoryAxis.style = "stacked"
        top = max((sum(column) for column in zip(*(s.values for s in chart.series), strict=True)), default=0)
    else:
        top = max((max(s.values, default=0) for s in chart.series), default=0)
    bars.valueAxis.valueMax = max(top, 1) + 1
    bars.valueAxis.valueStep = max(1, (top + 5) // 5)
    bars.valueAxis.labels.fontSize = 9
    bars.groupSpacing, bars.barSpacing = 2, 0
    for i in range(len(chart.series)):
        bars.bars[i].fillColor = colors.HexColor(_colour(chart, i))
        bars.bars[i].strokeColor = None
    d.add(bars)
    legend = Legend()
    legend.x, legend.y, legend.alignment = width - 170, height - 12, "right"
    legend.columnMaximum, legend.fontSize, legend.dx, legend.dy = 1, 9, 8, 8
    legend.colorNamePairs = [(colors.HexColor(_colour(chart, i)), s.name) for i, s in enumerate(chart.series)]
    d.add(legend)
    return d


def _colour(chart: BarChart, i: int) -> str:
    return chart.series[i].colour or PALETTE[i % len(PALETTE)]


def svg(chart: BarChart, chart_id: str) -> str:
    """The chart as an <svg> element for inline HTML: role img, its title and its summary for screen
    readers, ids made unique to `chart_id`."""
    text = renderSVG.drawToString(drawing(chart))
    text = text[text.index("<svg") :]
    text = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{chart_id}-{m[1]}"', text)
    text = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{chart_id}-{m[1]})", text)
    text = text.replace("<title>...</title>", f'<title id="{chart_id}-title">{escape(chart.title)}</title>', 1)
    text = text.replace("<desc>...</desc>", f'<desc id="{chart_id}-desc">{escape(chart.summary)}</desc>', 1)
    labelled = f'<svg role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
    return labelled + text[len("<svg ") :].replace('width="640" height="260" ', "", 1)
