"""Charts on a phone: each chart also comes drawn at a phone's size, at scale 1 (its text as
legible as on a screen), with fewer interval labels; a long period scrolls in its own box."""

from __future__ import annotations

import re

from renfort.web.charts import PHONE_WIDTH, line_chart


def _phone(markup: str) -> str:
    return markup.split('<div class="chart-scroll">', 1)[1].split("</div>", 1)[0]


def test_a_day_fits_a_phone_without_scrolling() -> None:
    hours = [f"{h:02d}h" for h in range(24)]
    markup = str(line_chart({"SL": [0.5] * 24}, hours, title="Niveau", y_max=1.0,
                            target=0.8))
    assert markup.count('<svg class="chart"') == 1  # the screen's drawing
    phone = _phone(markup)
    assert phone.startswith('<svg class="chart chart-phone"')
    assert f'width="{PHONE_WIDTH}"' in phone  # drawn at its size, not shrunk
    labels = re.findall(r'text-anchor="middle">([^<]+)<', phone)
    assert 3 <= len(labels) <= 8 and labels[0] == "00h"
    assert "chart-hint" not in markup


def test_a_long_period_is_drawn_wider_and_says_it_scrolls() -> None:
    periods = [f"{d:02d} {h:02d}:{m:02d}" for d in (1, 2) for h in range(24) for m in (0, 30)]
    markup = str(line_chart({name: [3.0] * len(periods) for name in ("a", "b", "c")},
                            periods, title="Volumes", bars=True))
    width = int(re.search(r'chart-phone" viewBox="0 0 (\d+) ', _phone(markup))[1])
    assert width > 20 * len(periods)  # bars of three series stay visible
    assert "Faites glisser le graphique" in markup
    labels = re.findall(r'text-anchor="middle">([^<]+)<', _phone(markup))
    assert width / len(labels) >= 7 * len("01 00:00")  # labels do not overlap
