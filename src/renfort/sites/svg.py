"""The seat plan as SVG: usable seats, blocked seats, occupied seats, zones and a scale.

Plain text building (no library): the output is a standalone SVG document that browsers and
print tools show as is. Colours keep a contrast that survives grey-scale printing (the
plan is pinned on the wall of the site), and each seat carries a ``<title>`` tooltip.
"""

from __future__ import annotations

from collections.abc import Collection
from xml.sax.saxutils import escape, quoteattr

from renfort.sites.layout import SeatPlan

SCALE = 24.0
"""Pixels per metre."""
MARGIN = 40.0
SEAT_RADIUS = 0.32
"""Metres: a seat is drawn as a disc about the size of a chair."""

USABLE = "#1b7f3b"
BLOCKED = "#c8c8c8"
OCCUPIED = "#1f4e9c"
ZONE = "#f4f1ea"


def render_svg(plan: SeatPlan, usable: Collection[str], *, title: str = "",
               occupied: Collection[str] = (), min_distance: float | None = None) -> str:
    """An SVG plan. *usable*: seat ids that may be occupied; *occupied*: seats in use now
    (drawn over usable); *min_distance* draws a circle of half that radius around each
    occupied seat, so that two circles never overlap when the rule is kept."""
    usable_set, occupied_set = set(usable), set(occupied)
    x0, y0, x1, y1 = plan.bounds()
    width = (x1 - x0) * SCALE + 2 * MARGIN
    height = (y1 - y0) * SCALE + 2 * MARGIN + 40

    def px(x: float) -> float:
        return round((x - x0) * SCALE + MARGIN, 1)

    def py(y: float) -> float:
        return round((y - y0) * SCALE + MARGIN + 24, 1)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="sans-serif" font-size="12">',
        f"<title>{escape(title or 'Plan de site')}</title>",
        '<rect width="100%" height="100%" fill="white"/>',
    ]
    for zone in plan.zones():
        members = [s for s in plan.seats if s.zone == zone]
        zx0 = min(s.x for s in members) - 0.7
        zy0 = min(s.y for s in members) - 0.7
        zx1 = max(s.x for s in members) + 0.7
        zy1 = max(s.y for s in members) + 0.7
        parts.append(
            f'<g class="zone"><rect x="{px(zx0)}" y="{py(zy0)}" '
            f'width="{(zx1 - zx0) * SCALE:.1f}" height="{(zy1 - zy0) * SCALE:.1f}" '
            f'fill="{ZONE}" stroke="#bbb" rx="6"/>'
            f'<text x="{px(zx0) + 4}" y="{py(zy0) - 4}" fill="#555">{escape(zone)}</text></g>')
    if min_distance is not None:
        for seat in plan.seats:
            if seat.id in occupied_set:
                parts.append(f'<circle cx="{px(seat.x)}" cy="{py(seat.y)}" '
                             f'r="{min_distance * SCALE / 2:.1f}" fill="none" '
                             f'stroke="{OCCUPIED}" stroke-opacity="0.25"/>')
    r = SEAT_RADIUS * SCALE
    for seat in plan.seats:
        if seat.id in occupied_set:
            state, colour = "occupé", OCCUPIED
        elif seat.id in usable_set:
            state, colour = "utilisable", USABLE
        else:
            state, colour = "condamné", BLOCKED
        cx, cy = px(seat.x), py(seat.y)
        label = f"{seat.id} ({seat.zone}) : {state}"
        cls = "blocked" if colour == BLOCKED else ("occupied" if colour == OCCUPIED
                                                     else "usable")
        cross = ""
        if colour == BLOCKED:
            d = r * 0.6
            cross = (f'<path d="M{cx - d:.1f} {cy - d:.1f}L{cx + d:.1f} {cy + d:.1f}'
                     f'M{cx - d:.1f} {cy + d:.1f}L{cx + d:.1f} {cy - d:.1f}" '
                     f'stroke="#777" stroke-width="1.5"/>')
        parts.append(f'<g class="seat {cls}" data-seat={quoteattr(seat.id)}>'
                     f"<title>{escape(label)}</title>"
                     f'<circle cx="{cx}" cy="{cy}" r="{r:.1f}" fill="{colour}"/>{cross}</g>')
    n_usable = sum(1 for s in plan.seats if s.id in usable_set)
    legend_y = 18
    parts.append(
        f'<text x="{MARGIN}" y="{legend_y}" font-weight="bold">{escape(title)}</text>'
        f'<text x="{width - MARGIN}" y="{legend_y}" text-anchor="end">'
        f'<tspan fill="{USABLE}">● utilisables {n_usable}</tspan>'
        f'<tspan fill="#888"> ● condamnés {len(plan.seats) - n_usable}</tspan>'
        + (f'<tspan fill="{OCCUPIED}"> ● occupés {len(occupied_set)}</tspan>'
           if occupied_set else "")
        + "</text>")
    bar_y = height - 16
    parts.append(f'<path d="M{MARGIN} {bar_y}h{5 * SCALE:.1f}" stroke="black" '
                 f'stroke-width="2"/><text x="{MARGIN + 5 * SCALE + 6:.1f}" y="{bar_y + 4}">'
                 "5 m</text>")
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
