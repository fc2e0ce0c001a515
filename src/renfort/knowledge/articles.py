"""Articles and their versions: what an answer says, for whom, on whose authority, and when.

An *article* belongs to one client's base (the public hotline's is ``numero-vert``) and is
named by a readable ``ref``. Every edit makes a new *version* (1, 2, 3…); the content of a
version never changes afterwards. A version starts as ``draft``; publishing it gives it a
window ``[valid_from, valid_to)`` (``valid_to`` open by default). The publication rule:

* ``valid_from`` is now or later (a rule announced tonight for midnight is scheduled);
* from ``valid_from`` on, the new version supersedes every version published before it:
  their windows are closed at that instant, and a version scheduled to start at or after it
  is withdrawn (``archived``) without ever taking effect;
* so at any instant at most one version of an article is in force: :func:`in_force`.

Agents and self-service read the same version at the same instant; the history stays
whole and :func:`diff` shows what changed between two versions.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Any

from renfort.domain import bounds
from renfort.domain.errors import ConflictError, ValidationError

HOTLINE_BASE = "numero-vert"
"""Slug of the public hotline's client: the default base."""
FOREVER = float("inf")
_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,119}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class Audience(StrEnum):
    PUBLIC = "public"
    """Agents and the citizens' self-service."""
    AGENTS_ONLY = "agents_only"
    """Agents only: procedures, scripts, internal notes; never shown to the public."""


class Status(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


@dataclass(frozen=True, slots=True)
class Content:
    """What one version says. Validated on construction."""

    question: str
    answer: str
    category: str
    source_body: str
    source_date: date
    source_url: str | None = None
    alternatives: tuple[str, ...] = ()
    audience: Audience = Audience.PUBLIC
    lang: str = "fr"
    tags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _length(self.question, "question", 3, 500)
        _length(self.answer, "answer", 1, 20_000)
        _length(self.source_body, "source", 2, 200)
        # A category is a label an editor types ("Vie quotidienne") and sees back as typed;
        # code that needs a stable key compares category_key() values.
        if not 1 <= len(self.category) <= 60 or self.category != self.category.strip() \
                or _CONTROL.search(self.category):
            raise ValidationError("category: 1–60 characters on one line",
                                  {"field": "category"}, reason="category-format")
        if self.source_url is not None and not re.match(r"^https?://\S{3,500}$",
                                                        self.source_url):
            raise ValidationError("source_url must be an http(s) address",
                                  {"field": "source_url"}, reason="source-url")
        if len(self.alternatives) > 50:
            raise ValidationError("at most 50 alternative phrasings", {"field": "alternatives"},
                                  reason="alternatives-max")
        for alternative in self.alternatives:
            _length(alternative, "alternatives", 3, 500)
        if self.lang not in ("fr", "en"):
            raise ValidationError("lang: 'fr' or 'en'", {"field": "lang"}, reason="article-lang")
        if len(self.tags) > 30 or any(not 1 <= len(t) <= 60 for t in self.tags):
            raise ValidationError("tags: at most 30, each 1–60 characters", {"field": "tags"},
                                  reason="tags-format")


@dataclass(frozen=True, slots=True)
class Version:
    """One version of an article (its content never changes; its window may close)."""

    ref: str
    number: int
    content: Content
    status: Status = Status.DRAFT
    valid_from: float | None = None
    valid_to: float | None = None
    created_at: float = 0.0
    created_by: str = ""
    published_at: float | None = None
    published_by: str | None = None

    def in_force_at(self, instant: float) -> bool:
        if self.status is not Status.PUBLISHED or self.valid_from is None:
            return False
        end = FOREVER if self.valid_to is None else self.valid_to
        return self.valid_from <= instant < end

    @property
    def key(self) -> str:
        """Identifies the version in a search index."""
        return f"{self.ref}#{self.number}"


def _length(value: str, field: str, low: int, high: int) -> None:
    if not isinstance(value, str) or not low <= len(value.strip()) <= high:
        raise ValidationError(f"{field}: {low}–{high} characters", {"field": field},
                              reason="text-length", values={"min": low, "max": high})


def category_key(category: str) -> str:
    """A category as a slug, to compare labels typed differently: ``Déplacements`` and
    ``deplacements`` are the same category."""
    plain = unicodedata.normalize("NFKD", category).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def check_ref(ref: str) -> str:
    if not isinstance(ref, str) or not _REF.match(ref):
        raise ValidationError("article id: 1–120 letters, digits, '.', '_', ':' or '-'",
                              {"field": "id"}, reason="article-id")
    return ref


def _strings(value: Any, field: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(f"{field} must be a list of strings", {"field": field},
                              reason="text-list")
    return tuple(v.strip() for v in value if v.strip())


def _text(data: Mapping[str, Any], field: str, required: bool = True) -> str | None:
    value = data.get(field)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise ValidationError(f"{field} is required (text)", {"field": field},
                              reason="field-missing")
    return value.strip()


def content_from(data: Mapping[str, Any]) -> Content:
    """Validated content from the exchange format (import lines, API bodies).

    Fields: ``question``, ``alternatives`` (list), ``answer``, ``category``, ``lang``,
    ``source`` (the official body), ``source_url``, ``source_date`` (``YYYY-MM-DD``),
    ``audience`` (``public`` or ``agents_only``), ``tags`` (list).
    """
    raw_date = data.get("source_date")
    try:
        source_date = date.fromisoformat(str(raw_date)[:10])
    except ValueError:
        raise ValidationError("source_date must be a date, YYYY-MM-DD",
                              {"field": "source_date"}, reason="source-date") from None
    bounds.check_day(source_date, "source_date")
    audience = data.get("audience") or "public"
    try:
        parsed_audience = Audience(audience)
    except ValueError:
        raise ValidationError("audience: 'public' or 'agents_only'",
                              {"field": "audience"}, reason="audience") from None
    return Content(
        question=_text(data, "question") or "",
        answer=_text(data, "answer") or "",
        category=_text(data, "category") or "",
        source_body=_text(data, "source") or "",
        source_date=source_date,
        source_url=_text(data, "source_url", required=False) or None,
        alternatives=_strings(data.get("alternatives"), "alternatives"),
        audience=parsed_audience,
        lang=_text(data, "lang", required=False) or "fr",
        tags=_strings(data.get("tags"), "tags"),
    )


def content_to(content: Content) -> dict[str, Any]:
    """The exchange format of :func:`content_from` (without the id)."""
    return {
        "question": content.question, "alternatives": list(content.alternatives),
        "answer": content.answer, "category": content.category, "lang": content.lang,
        "source": content.source_body, "source_url": content.source_url,
        "source_date": content.source_date.isoformat(), "audience": str(content.audience),
        "tags": list(content.tags),
    }


def in_force(versions: Iterable[Version], instant: float) -> Version | None:
    """The version of an article in force at ``instant``, if any."""
    found = [v for v in versions if v.in_force_at(instant)]
    return max(found, key=lambda v: v.number) if found else None


def publish(versions: Sequence[Version], number: int, *, now: float, by: str,
            valid_from: float | None = None, valid_to: float | None = None
            ) -> list[Version]:
    """The versions that change when version ``number`` is published (it comes first).

    Raises :class:`ValidationError` for a window in the past or empty, and
    :class:`ConflictError` when the version is not a draft.
    """
    chosen = next((v for v in versions if v.number == number), None)
    if chosen is None:
        raise ValidationError(f"article {versions[0].ref if versions else ''!r} has no "
                              f"version {number}", {"field": "version"},
                              reason="article-version-unknown", values={"version": number})
    if chosen.status is not Status.DRAFT:
        raise ConflictError(f"version {number} is {chosen.status}; only a draft can be "
                            "published (edit the article to make a new version)",
                            {"version": number}, reason="article-not-draft")
    start = now if valid_from is None else valid_from
    if start < now - 1.0:
        raise ValidationError("valid_from cannot be in the past", {"field": "valid_from"},
                              reason="valid-from-past")
    if valid_to is not None and valid_to <= start:
        raise ValidationError("valid_to must come after valid_from", {"field": "valid_to"},
                              reason="valid-to-order")
    changed = [replace(chosen, status=Status.PUBLISHED, valid_from=start, valid_to=valid_to,
                       published_at=now, published_by=by)]
    for older in versions:
        if older.number == number or older.status is not Status.PUBLISHED:
            continue
        assert older.valid_from is not None
        if older.valid_from >= start:
            changed.append(replace(older, status=Status.ARCHIVED))
        elif older.valid_to is None or older.valid_to > start:
            changed.append(replace(older, valid_to=start))
    return changed


def render(version: Version) -> list[str]:
    """A version as lines of text, the form :func:`diff` compares."""
    c = version.content
    lines = [f"question: {c.question}"]
    lines += [f"alternative: {a}" for a in c.alternatives]
    lines += ["answer:"] + [f"  {line}" for line in c.answer.splitlines()]
    lines += [f"category: {c.category}", f"audience: {c.audience}", f"lang: {c.lang}",
              f"tags: {', '.join(c.tags)}", f"source: {c.source_body}",
              f"source_url: {c.source_url or ''}", f"source_date: {c.source_date.isoformat()}"]
    return lines


def diff(old: Version, new: Version) -> str:
    """Unified diff from ``old`` to ``new`` (empty when the contents are equal)."""
    return "\n".join(difflib.unified_diff(
        render(old), render(new), fromfile=f"{old.ref} v{old.number}",
        tofile=f"{new.ref} v{new.number}", lineterm=""))
