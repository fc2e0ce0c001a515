"""Charts drawn on the server as SVG: lines per series over intervals, an optional target.

No script and no inline style: colours come from the ``series-N`` classes of the sheet, so
the chart obeys the pages' Content-Security-Policy and prints as it shows.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

WIDTH, HEIGHT = 900, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 40


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10.0 ** math.floor(math.log10(value))
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        if value <= step * magnitude:
            return float(step * magnitude)
    return float(10 * magnitude)


def line_chart(series: Mapping[str, Sequence[float | None]], labels: Sequence[str], *,
               title: str, y_max: float | None = None, target: float | None = None,
               target_label: str = "", y_format: Callable[[float], str] = str,
               bars: bool = False) -> Markup:
    """An accessible SVG chart: one polyline (or bar group) per series, x = intervals.

    *labels* name the intervals (every few is printed); *target* draws a dashed line.
    """
    values = [v for points in series.values() for v in points if v is not None]
    top = y_max if y_max is not None else _nice_max(max([*values, target or 0.0, 0.0]))
    n = max(len(labels), 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i: float) -> float:
        return LEFT + plot_w * (i + 0.5) / n

    def y(v: float) -> float:
        return TOP + plot_h * (1 - min(max(v / top, 0.0), 1.0))

    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-label={quoteattr(title)} xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>"]
    for k in range(5):
        value = top * k / 4
        parts.append(f'<line class="grid-line" x1="{LEFT}" x2="{WIDTH - RIGHT}" '
                     f'y1="{y(value):.1f}" y2="{y(value):.1f}"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end">'
                     f"{escape(y_format(value))}</text>")
    parts.append(f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" '
                 f'y2="{TOP + plot_h}"/>')
    every = max(1, math.ceil(n / 12))
    for i, label in enumerate(labels):
        if i % every == 0:
            parts.append(f'<text x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 16}" '
                         f'text-anchor="middle">{escape(label)}</text>')
    count = max(len(series), 1)
    for s, (name, points) in enumerate(series.items()):
        cls = f"series-{s % 6}"
        if bars:
            width = plot_w / n / (count + 1)
            for i, v in enumerate(points):
                if v is None:
                    continue
                left = LEFT + plot_w * i / n + width * (s + 0.5)
                parts.append(f'<rect class="{cls}" x="{left:.1f}" y="{y(v):.1f}" '
                             f'width="{width:.1f}" height="{TOP + plot_h - y(v):.1f}">'
                             f"<title>{escape(name)} {escape(labels[i])} : "
                             f"{escape(y_format(v))}</title></rect>")
            continue
        segment: list[str] = []
        for i, v in enumerate(points):
            if v is None:
                if len(segment) > 1:
                    parts.append(f'<polyline class="{cls}" points="{" ".join(segment)}"/>')
                segment = []
                continue
            segment.append(f"{x(i):.1f},{y(v):.1f}")
            parts.append(f'<circle class="{cls}" cx="{x(i):.1f}" cy="{y(v):.1f}" r="2.5">'
                         f"<title>{escape(name)} {escape(labels[i])} : "
                         f"{escape(y_format(v))}</title></circle>")
        if len(segment) > 1:
            parts.append(f'<polyline class="{cls}" points="{" ".join(segment)}"/>')
    if target is not None:
        parts.append(f'<line class="target" x1="{LEFT}" x2="{WIDTH - RIGHT}" '
                     f'y1="{y(target):.1f}" y2="{y(target):.1f}">'
                     f"<title>{escape(target_label)}</title></line>")
    parts.append("</svg>")
    return Markup("".join(parts))
