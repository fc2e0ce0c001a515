"""The seat plan of a site as SVG: usable, blocked and occupied seats (classes, no style)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

WIDTH = 760.0
MARGIN = 14.0
SEAT_RADIUS_M = 0.32


def seat_plan_svg(seats: Sequence[dict[str, Any]], *, title: str,
                  labels: dict[str, str], link: str | None = None,
                  link_label: str = "") -> Markup:
    """Seats at their coordinates (metres; ``y`` downwards as on a drawing).

    With ``link`` (a URL with ``{seat}``), each seat is a link there, named by its id, zone
    and state followed by ``link_label``; the drawing is then a group of links, not an
    image (an image's content is not reachable by keyboard)."""
    if not seats:
        return Markup("")
    xs = [float(s["x"]) for s in seats]
    ys = [float(s["y"]) for s in seats]
    span_x = max(max(xs) - min(xs), 1.0)
    span_y = max(max(ys) - min(ys), 1.0)
    scale = (WIDTH - 2 * MARGIN) / span_x
    height = span_y * scale + 2 * MARGIN
    radius = max(2.0, SEAT_RADIUS_M * scale)
    role = "group" if link else "img"
    parts = [f'<svg class="seatplan" viewBox="0 0 {WIDTH:.0f} {height:.0f}" role="{role}" '
             f'aria-label={quoteattr(title)} xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>"]
    for seat in seats:
        cx = MARGIN + (float(seat["x"]) - min(xs)) * scale
        cy = MARGIN + (float(seat["y"]) - min(ys)) * scale
        if seat["occupied"]:
            kind = "occupied" if seat["usable"] else "over"
        else:
            kind = "usable" if seat["usable"] else "blocked"
        label = f"{seat['seat_id']} ({seat['zone']}) : {labels[kind]}"
        if link:
            href = link.format(seat=quote(str(seat["seat_id"]), safe=""))
            parts.append(f'<a href={quoteattr(href)} '
                         f'aria-label={quoteattr(f"{label} — {link_label}")}>')
        parts.append(f'<circle class="seat-{kind}" cx="{cx:.1f}" cy="{cy:.1f}" '
                     f'r="{radius:.1f}" data-seat={quoteattr(str(seat["seat_id"]))}>'
                     f"<title>{escape(label)}</title></circle>")
        if kind == "blocked":
            d = radius * 0.6
            parts.append(f'<line class="blocked-mark" x1="{cx - d:.1f}" y1="{cy - d:.1f}" '
                         f'x2="{cx + d:.1f}" y2="{cy + d:.1f}"/>')
        if link:
            parts.append("</a>")
    parts.append("</svg>")
    return Markup("".join(parts))
