"""An SVG chart of the service level per interval against the target, one line per queue.

Plain SVG text built here (no plotting library): the x axis is the interval start, the y
axis the service level from 0 to 100 %; each queue's mean is a line with its 95 % interval
as a light band; the target is a dashed line. Times are shown in Paris time, as in the
rest of the user interface. Pure: a report in, a string out.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from renfort.domain.clock import PARIS

WIDTH, HEIGHT = 960, 420
LEFT, RIGHT, TOP, BOTTOM = 56, 160, 36, 44
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b",
           "#e377c2", "#7f7f7f", "#bcbd22")


def service_level_svg(report: dict[str, Any], max_queues: int = 10) -> str:
    """The chart of *report* (see :mod:`renfort.simulation.report`); busiest queues first."""
    queues = sorted(report["queues"], key=lambda q: -(q["offered"] or 0.0))[:max_queues]
    n = max((len(q["intervals"]) for q in queues), default=0)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(k: float) -> float:
        return LEFT + plot_w * (k + 0.5) / max(n, 1)

    def y(v: float) -> float:
        return TOP + plot_h * (1.0 - v)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
           f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">',
           f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
           f'<text x="{LEFT}" y="20" font-size="14">Service level per interval — '
           f'{escape(str(report["scenario"]))} ({report["replications"]} replications)</text>']
    for v in (0.0, 0.25, 0.5, 0.75, 1.0):
        out.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
                   f'stroke="#ddd"/><text x="{LEFT - 6}" y="{y(v) + 4:.1f}" '
                   f'text-anchor="end">{v:.0%}</text>')
    step = max(1, n // 12)
    for k in range(0, n, step):
        label = _paris(queues[0]["intervals"][k]["start"]) if queues else ""
        out.append(f'<text x="{x(k):.1f}" y="{TOP + plot_h + 16}" '
                   f'text-anchor="middle">{label}</text>')
    for i, q in enumerate(queues):
        colour = COLOURS[i % len(COLOURS)]
        band_top, band_bottom, line = [], [], []
        for k, iv in enumerate(q["intervals"]):
            if iv["service_level"] is None:
                continue
            line.append(f"{x(k):.1f},{y(iv['service_level']):.1f}")
            ci = iv["ci95"]["service_level"]
            if ci is not None:
                band_top.append(f"{x(k):.1f},{y(min(1.0, ci[1])):.1f}")
                band_bottom.append(f"{x(k):.1f},{y(max(0.0, ci[0])):.1f}")
        if band_top:
            points = " ".join(band_top + band_bottom[::-1])
            out.append(f'<polygon points="{points}" fill="{colour}" fill-opacity="0.15"/>')
        if line:
            out.append(f'<polyline points="{" ".join(line)}" fill="none" stroke="{colour}" '
                       f'stroke-width="1.5"/>')
        target = q["sl_target"]
        out.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(target):.1f}" '
                   f'y2="{y(target):.1f}" stroke="{colour}" stroke-dasharray="6 4" '
                   f'stroke-opacity="0.6"/>')
        ly = TOP + 16 * i + 8
        out.append(f'<line x1="{LEFT + plot_w + 12}" x2="{LEFT + plot_w + 32}" y1="{ly}" '
                   f'y2="{ly}" stroke="{colour}" stroke-width="2"/>'
                   f'<text x="{LEFT + plot_w + 38}" y="{ly + 4}">{escape(q["queue"])}</text>')
    out.append(f'<text x="{LEFT + plot_w + 12}" y="{TOP + 16 * len(queues) + 16}" '
               f'fill="#555">- - target</text>')
    out.append(f'<text x="{LEFT + plot_w}" y="{HEIGHT - 8}" text-anchor="end" '
               f'fill="#555">interval start, Paris time; bands: 95 % confidence</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _paris(iso: str) -> str:
    """``2020-03-17T16:00:00Z`` → ``17:00``."""
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(PARIS).strftime("%H:%M")
