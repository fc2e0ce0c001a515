"""A refused action, said in French: the catalog's sentence for the error's reason code.

The services raise :class:`~renfort.domain.errors.RenfortError` with an English ``message``
(the API's ``detail``, the logs) and, where a user's action can be refused, a stable
``reason`` code. The pages show ``error.reason.<code>`` with its ``{placeholders}`` filled
from the error's details and values; an error without a reason shows the French title of its
kind alone, and its English message goes to the log only.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from babel.numbers import format_decimal

from renfort.domain.errors import RateLimitedError, RenfortError, ValidationError
from renfort.web.i18n import has
from renfort.web.templating import BABEL_LOCALE, message, paris_datetime

log = logging.getLogger("renfort.web")

FIELD_PREFIXES = ("error.field.", "field.", "planner.")
"""Where a field's French label is looked up, in this order."""


def field_label(field: object) -> str:
    """The French label of a form field or API member, e.g. ``aht_seconds`` → « Durée de
    traitement (s) »; a field the catalog does not know is « ce champ »."""
    name = str(field or "").split(".")[0]
    for prefix in FIELD_PREFIXES:
        if name and has(prefix + name):
            return message(prefix + name)
    return message("error.field_unknown")


def shown(value: object) -> str:
    """A detail's value as a French sentence shows it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return message("error.yes") if value else message("error.no")
    if isinstance(value, datetime):
        return paris_datetime(value)
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        return format_decimal(value, locale=BABEL_LOCALE)
    if isinstance(value, Mapping):
        return ", ".join(f"{k} : {shown(v)}" for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(shown(v) for v in value)
    return str(value)


def reason_text(error: RenfortError) -> str | None:
    """The catalog's sentence for ``error.reason``, or None when there is none."""
    if not error.reason:
        return None
    key = f"error.reason.{error.reason}"
    if not has(key):
        log.warning("no French sentence for reason %r (%s)", error.reason, error.message)
        return None
    values: dict[str, object] = {name: shown(v) for name, v in
                                 {**error.details, **error.values}.items()}
    named = next((error.details[k] for k in ("field", "parameter", "column")
                  if error.details.get(k)), None)
    values.setdefault("field_label", field_label(named))
    try:
        return message(key, **values)
    except (KeyError, IndexError, ValueError):
        log.warning("reason %r lacks a value for its sentence (%s)", error.reason,
                    error.message)
        return None


def title_of(error: RenfortError) -> str:
    key = f"error.{error.error_id}"
    return message(key) if has(key) else message("error.renfort-error")


def error_text(error: RenfortError) -> str:
    """A refused action, in the catalog's words: the kind of refusal and, when the error
    carries a reason, the specific French reason. Never the English message."""
    if isinstance(error, RateLimitedError):
        return message("error.rate_limited_wait",
                       seconds=error.details.get("retry_after_seconds", 60))
    title = title_of(error)
    reason = reason_text(error)
    if reason is None:
        log.info("refused (%s) without a French reason: %s", error.error_id, error.message)
        return title
    return message("error.with_reason", title=title, reason=reason)


# --- input checked by pydantic (the admin forms' bodies, FastAPI's form and query fields)

KIND_OF: dict[str, str] = {
    "missing": "field-missing",
    "int_parsing": "field-integer", "int_type": "field-integer",
    "int_from_float": "field-integer", "int_parsing_size": "field-integer",
    "float_parsing": "field-number", "float_type": "field-number",
    "finite_number": "field-number", "decimal_parsing": "field-number",
    "bool_parsing": "field-yes-no", "bool_type": "field-yes-no",
    "date_parsing": "field-date", "date_from_datetime_parsing": "field-date",
    "date_type": "field-date", "datetime_parsing": "field-instant",
    "datetime_from_date_parsing": "field-instant", "datetime_type": "field-instant",
    "timezone_aware": "field-instant",
    "enum": "field-choice", "literal_error": "field-choice",
    "string_pattern_mismatch": "field-format", "url_parsing": "field-format",
    "url_scheme": "field-format", "uuid_parsing": "field-format",
    "string_type": "field-text", "extra_forbidden": "field-unknown",
}
LIMITS: dict[str, tuple[str, str]] = {
    "greater_than": ("field-above", "gt"), "greater_than_equal": ("field-at-least", "ge"),
    "less_than": ("field-below", "lt"), "less_than_equal": ("field-at-most", "le"),
    "string_too_short": ("field-min-length", "min_length"),
    "string_too_long": ("field-max-length", "max_length"),
    "too_short": ("field-min-items", "min_length"), "too_long": ("field-max-items", "max_length"),
}
_SKIPPED = ("body", "query", "path", "form", "header", "cookie")


def invalid_input(errors: Sequence[Mapping[str, Any]]) -> ValidationError:
    """pydantic's (or FastAPI's) first input error as a refusal with a French reason, per
    field: « Durée de traitement (s) » : un nombre positif est attendu."""
    first: Mapping[str, Any] = errors[0] if errors else {"loc": (), "type": "", "msg": ""}
    where = ".".join(str(p) for p in _located(first.get("loc", ())))
    kind = str(first.get("type", ""))
    values: dict[str, object] = {"field_label": field_label(where)}
    reason = KIND_OF.get(kind, "field-invalid")
    if kind in LIMITS:
        reason, bound = LIMITS[kind]
        limit = (first.get("ctx") or {}).get(bound)
        if limit is None:
            reason = "field-invalid"
        else:
            values["limit"] = shown(limit)
            if kind == "greater_than" and limit == 0:
                reason = "field-positive"
    return ValidationError(f"{where}: {first.get('msg', 'invalid')}", {"field": where},
                           reason=reason, values=values)


def _located(loc: Iterable[object]) -> list[object]:
    return [p for p in loc if p not in _SKIPPED]


def refusal(text: str, details: Mapping[str, object]) -> ValidationError:
    """Input a page checked itself and refuses in its own French words (``text``, already
    from the catalog)."""
    return ValidationError(text, details, reason="page-text", values={"text": text})
