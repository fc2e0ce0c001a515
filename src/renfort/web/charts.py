"""Charts drawn on the server as SVG: lines per series over intervals, an optional target.

No script and no inline style: colours come from the ``series-N`` classes of the sheet, so
the chart obeys the pages' Content-Security-Policy and prints as it shows.

Each chart is drawn twice: 900 units wide for a screen, and for a phone at its own size
(text at 11 px, a few pixels per interval, fewer ticks) in a box that scrolls sideways when
the period is long; the sheet shows one or the other by the window's width, so a phone never
shrinks the wide one to illegibility nor scrolls the page sideways.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

from renfort.web.templating import message

WIDTH, HEIGHT = 900, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 40
PHONE_WIDTH, PHONE_HEIGHT = 340, 240
"""The phone drawing's least size, in CSS pixels (it is drawn at scale 1)."""
PHONE_STEP = 11
"""Least pixels per interval on a phone (wider for bars of several series)."""
TICK_GAP = 44
"""Least pixels between two printed interval labels (more for long labels: about 7 px a
character at 11 px)."""


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
    The screen drawing (``svg.chart``) is followed by the phone one (``svg.chart-phone``,
    in a ``.chart-scroll`` box); the sheet shows one of them.
    """
    values = [v for points in series.values() for v in points if v is not None]
    top = y_max if y_max is not None else _nice_max(max([*values, target or 0.0, 0.0]))
    n = max(len(labels), 1)
    draw = partial(_draw, series, labels, title=title, top=top, target=target,
                   target_label=target_label, y_format=y_format, bars=bars)
    wide = draw(width=WIDTH, height=HEIGHT, every=max(1, math.ceil(n / 12)), css="chart")
    step = max(PHONE_STEP, 5 * (len(series) + 1)) if bars else PHONE_STEP
    phone_w = max(PHONE_WIDTH, LEFT + RIGHT + n * step)
    spacing = (phone_w - LEFT - RIGHT) / n
    gap = max(TICK_GAP, 7 * max((len(label) for label in labels), default=0) + 12)
    phone = draw(width=phone_w, height=PHONE_HEIGHT, every=max(1, math.ceil(gap / spacing)),
                 css="chart chart-phone", size=True)
    scrolls = message("chart.scroll_hint")
    hint = f'<p class="hint chart-hint">{escape(scrolls)}</p>' if phone_w > PHONE_WIDTH else ""
    return Markup(f'{wide}<div class="chart-scroll">{phone}</div>{hint}')


def _draw(series: Mapping[str, Sequence[float | None]], labels: Sequence[str], *,
          width: float, height: float, every: int, css: str, title: str, top: float,
          target: float | None, target_label: str, y_format: Callable[[float], str],
          bars: bool, size: bool = False) -> str:
    """One drawing of :func:`line_chart`, ``width`` × ``height`` units, one interval label
    in ``every``; ``size`` also gives it that size in pixels (drawn at scale 1)."""
    n = max(len(labels), 1)
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - BOTTOM

    def x(i: float) -> float:
        return LEFT + plot_w * (i + 0.5) / n

    def y(v: float) -> float:
        return TOP + plot_h * (1 - min(max(v / top, 0.0), 1.0))

    pixels = f'width="{width:.0f}" height="{height:.0f}" ' if size else ""
    parts = [f'<svg class="{css}" viewBox="0 0 {width:.0f} {height:.0f}" {pixels}role="img" '
             f'aria-label={quoteattr(title)} xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>"]
    for k in range(5):
        value = top * k / 4
        parts.append(f'<line class="grid-line" x1="{LEFT}" x2="{width - RIGHT:.0f}" '
                     f'y1="{y(value):.1f}" y2="{y(value):.1f}"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end">'
                     f"{escape(y_format(value))}</text>")
    parts.append(f'<line class="axis" x1="{LEFT}" x2="{width - RIGHT:.0f}" '
                 f'y1="{TOP + plot_h}" y2="{TOP + plot_h}"/>')
    for i, label in enumerate(labels):
        if i % every == 0:
            parts.append(f'<text x="{x(i):.1f}" y="{height - BOTTOM + 16:.0f}" '
                         f'text-anchor="middle">{escape(label)}</text>')
    count = max(len(series), 1)
    for s, (name, points) in enumerate(series.items()):
        cls = f"series-{s % 6}"
        if bars:
            bar = plot_w / n / (count + 1)
            for i, v in enumerate(points):
                if v is None:
                    continue
                left = LEFT + plot_w * i / n + bar * (s + 0.5)
                parts.append(f'<rect class="{cls}" x="{left:.1f}" y="{y(v):.1f}" '
                             f'width="{bar:.1f}" height="{TOP + plot_h - y(v):.1f}">'
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
        parts.append(f'<line class="target" x1="{LEFT}" x2="{width - RIGHT:.0f}" '
                     f'y1="{y(target):.1f}" y2="{y(target):.1f}">'
                     f"<title>{escape(target_label)}</title></line>")
    parts.append("</svg>")
    return "".join(parts)
