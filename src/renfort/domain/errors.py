"""Typed domain errors.

Each error carries a stable ``error_id`` slug: it is part of the HTTP API (problem+json
``type``) and of the CLI's messages, so never rename one.

An error refused on a user's action may also carry a stable ``reason`` code (``"seat-taken"``):
the pages show the French sentence ``error.reason.<code>`` of the message catalog, its
``{placeholders}`` filled from ``details`` and from ``values`` (page-only parameters, not part
of the HTTP API), instead of the English ``message``, which stays for API clients and logs.
Like ``error_id``, a reason code is part of the API (problem+json member ``reason``): never
rename one.
"""

from __future__ import annotations

from collections.abc import Mapping


class RenfortError(Exception):
    """Base of every error the domain raises on purpose."""

    error_id = "renfort-error"

    def __init__(self, message: str, details: Mapping[str, object] | None = None, *,
                 reason: str | None = None, values: Mapping[str, object] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, object] = dict(details or {})
        self.reason = reason
        self.values: dict[str, object] = dict(values or {})

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        reason = f", reason={self.reason!r}" if self.reason else ""
        return f"{type(self).__name__}({self.message!r}, {self.details!r}{reason})"


class ValidationError(RenfortError):
    """Input that breaks a domain rule (bad value, unknown reference)."""

    error_id = "invalid-input"


class NotFoundError(RenfortError):
    """The thing named does not exist, or is not visible to the caller."""

    error_id = "not-found"


class ConflictError(RenfortError):
    """The request is well formed but clashes with the current state."""

    error_id = "conflict"


class InvalidTransitionError(ConflictError):
    """A contact was asked to move to a state its current state does not lead to."""

    error_id = "invalid-transition"


class AgentStateError(ConflictError):
    """An agent action that the agent's current state does not allow."""

    error_id = "invalid-agent-state"


class PermissionDeniedError(RenfortError):
    """The caller is known but not allowed to do this."""

    error_id = "forbidden"


class AuthenticationError(RenfortError):
    """The caller could not be identified."""

    error_id = "unauthenticated"


class RateLimitedError(RenfortError):
    """Too many requests from one caller in a short time; ``retry_after_seconds`` says when
    to come back."""

    error_id = "rate-limited"


class UnavailableError(RenfortError):
    """The service cannot take this request now (store unreachable, starting, stopping,
    overloaded); nothing was changed. ``retry_after_seconds`` says when to come back."""

    error_id = "desk-unavailable"


class InternalError(RenfortError):
    """An unexpected failure, logged with the ``incident`` id given in the details; nothing
    of the request was kept."""

    error_id = "internal-error"
