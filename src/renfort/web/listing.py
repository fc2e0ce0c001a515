"""Long lists on pages: a search over what a row shows, then one page of the matches.

The server filters and cuts (300 agents, hundreds of seats or articles never go to the
browser at once); the page's search field asks again through htmx as one types, and works
as a plain form without script. Matching ignores case and accents: « deplacement » finds
« Déplacements ».
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

T = TypeVar("T")
PER_PAGE = 50
PICKER_LIMIT = 30
"""Choices a picker offers at once; a search narrows them."""


def folded(text: str) -> str:
    """Lower case without accents, for matching."""
    plain = unicodedata.normalize("NFKD", text)
    return "".join(c for c in plain if not unicodedata.combining(c)).casefold()


def matching(items: Sequence[T], q: str, text_of: Callable[[T], str]) -> list[T]:
    """The items whose text holds every word of ``q`` (all of them for an empty ``q``)."""
    words = folded(q).split()
    if not words:
        return list(items)
    return [item for item in items if all(w in folded(text_of(item)) for w in words)]


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a searched list, with what the pager needs."""

    items: list[T]
    q: str
    number: int
    pages: int
    matched: int
    total: int
    per_page: int
    names: tuple[str, str] = ("q", "page")
    """The query parameters of the search and the page (two lists on one page differ)."""

    @property
    def first(self) -> int:
        """Rank of the first item shown (1-based; 0 when nothing matches)."""
        return (self.number - 1) * self.per_page + 1 if self.items else 0

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1 if self.items else 0

    def link(self, number: int, **extra: Any) -> str:
        """The query string of page ``number`` with the same search."""
        q_name, page_name = self.names
        params = {k: v for k, v in {**extra, q_name: self.q, page_name: number}.items()
                  if v not in (None, "")}
        return "?" + urlencode(params)


def paged(items: Sequence[T], q: str, page: int, text_of: Callable[[T], str],
          per_page: int = PER_PAGE, names: tuple[str, str] = ("q", "page")) -> Page[T]:
    """Page ``page`` (1-based, clamped to what exists) of the items matching ``q``."""
    q = q.strip()[:100]
    found = matching(items, q, text_of)
    pages = max(1, math.ceil(len(found) / per_page))
    number = min(max(1, page), pages)
    start = (number - 1) * per_page
    return Page(found[start:start + per_page], q, number, pages, len(found), len(items),
                per_page, names)


def picked(items: Sequence[T], q: str, text_of: Callable[[T], str],
           limit: int = PICKER_LIMIT) -> list[T]:
    """The first ``limit`` items matching ``q``: what a picker offers."""
    return matching(items, q.strip()[:100], text_of)[:limit]
