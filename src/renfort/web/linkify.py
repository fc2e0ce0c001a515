"""Plain text with its web addresses and telephone numbers made clickable, for the chat.

The text is escaped first; only ``http(s)`` addresses become links (opened in a new tab,
without referrer), and French numbers become ``tel:`` links: ten digits (``01 23 45 67
89``, ``0 800 130 000``), ``+33``, and the short numbers that follow "appelez le",
"composez le"… (15, 112, 3114). Nothing else in the text can become markup.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

_URL = r"https?://[^\s<>()\"']+[^\s<>()\"'.,;:!?»]"
_LONG = r"(?:\+33\s?|0)\d(?:[\s.]?\d){8}"
_FREEPHONE = r"0\s?8\d{2}(?:[\s.]?\d{3}){2}"
_SHORT = r"(?<=\b(?:le|au) )\d{2,4}\b"
_SAID = re.compile(r"\b(?:appele[zr]|compose[zr]|joindre|contacte[zr]|SMS)\b", re.IGNORECASE)
_PATTERN = re.compile(f"(?P<url>{_URL})|(?P<tel>{_FREEPHONE}|{_LONG})|(?P<short>{_SHORT})")


def _tel(number: str) -> str:
    digits = re.sub(r"[^\d+]", "", number)
    return f"tel:{digits}"


def linkify(text: str | None) -> Markup:
    """``text`` escaped, with addresses and phone numbers as links."""
    if not text:
        return Markup("")
    parts: list[str] = []
    last = 0
    for found in _PATTERN.finditer(text):
        if found.group("short") and not _SAID.search(text[max(0, found.start() - 30):
                                                            found.start()]):
            continue
        parts.append(str(escape(text[last:found.start()])))
        value = found.group(0)
        if found.group("url"):
            parts.append(f'<a href="{escape(value)}" rel="noopener noreferrer" '
                         f'target="_blank">{escape(value)}</a>')
        else:
            before = text[max(0, found.start() - 8):found.start()]
            href = _tel(value)
            if "sms" in before.lower():
                href = "sms:" + href[4:]
            parts.append(f'<a class="tel" href="{href}">{escape(value)}</a>')
        last = found.end()
    parts.append(str(escape(text[last:])))
    return Markup("".join(parts))
