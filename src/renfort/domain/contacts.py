"""The contact state machine: a pure transition table.

::

    received ─queue─▶ queued ─offer─▶ offered ─accept─▶ accepted ─end─▶ wrap_up ─close─▶ closed
                        ▲  │             │                 │
                        │  └─callback──▶ callback_requested (keeps its place, is offered later)
                        └────return──────┘ (declined or timed out: back to its place)
    accepted ─transfer─▶ transferred ─queue─▶ queued (in the new queue)
    received/queued/offered/callback_requested ─abandon─▶ abandoned
    received/queued ─redirect─▶ redirected
    accepted/wrap_up ─redirect─▶ redirected (an agent sends the caller to a medical line)

``closed``, ``abandoned`` and ``redirected`` are final. Any other move raises
:class:`InvalidTransitionError` and changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum

from renfort.domain.errors import InvalidTransitionError


class ContactState(StrEnum):
    RECEIVED = "received"
    QUEUED = "queued"
    OFFERED = "offered"
    ACCEPTED = "accepted"
    WRAP_UP = "wrap_up"
    CLOSED = "closed"
    ABANDONED = "abandoned"
    REDIRECTED = "redirected"
    TRANSFERRED = "transferred"
    CALLBACK_REQUESTED = "callback_requested"


class Action(StrEnum):
    QUEUE = "queue"
    OFFER = "offer"
    RETURN = "return"
    ACCEPT = "accept"
    END = "end"
    CLOSE = "close"
    ABANDON = "abandon"
    REDIRECT = "redirect"
    TRANSFER = "transfer"
    REQUEST_CALLBACK = "request_callback"


S, A = ContactState, Action

TRANSITIONS: Mapping[tuple[ContactState, Action], ContactState] = {
    (S.RECEIVED, A.QUEUE): S.QUEUED,
    (S.RECEIVED, A.REDIRECT): S.REDIRECTED,
    (S.RECEIVED, A.ABANDON): S.ABANDONED,
    (S.QUEUED, A.OFFER): S.OFFERED,
    (S.QUEUED, A.ABANDON): S.ABANDONED,
    (S.QUEUED, A.REDIRECT): S.REDIRECTED,
    (S.QUEUED, A.REQUEST_CALLBACK): S.CALLBACK_REQUESTED,
    (S.CALLBACK_REQUESTED, A.OFFER): S.OFFERED,
    (S.CALLBACK_REQUESTED, A.ABANDON): S.ABANDONED,
    (S.OFFERED, A.ACCEPT): S.ACCEPTED,
    (S.OFFERED, A.RETURN): S.QUEUED,
    (S.OFFERED, A.ABANDON): S.ABANDONED,
    (S.ACCEPTED, A.END): S.WRAP_UP,
    (S.ACCEPTED, A.TRANSFER): S.TRANSFERRED,
    (S.ACCEPTED, A.REDIRECT): S.REDIRECTED,
    (S.WRAP_UP, A.REDIRECT): S.REDIRECTED,
    (S.TRANSFERRED, A.QUEUE): S.QUEUED,
    (S.WRAP_UP, A.CLOSE): S.CLOSED,
}

FINAL_STATES = frozenset({S.CLOSED, S.ABANDONED, S.REDIRECTED})
WAITING_STATES = frozenset({S.QUEUED, S.CALLBACK_REQUESTED})
"""States in which a contact waits in the router for an agent."""
HELD_STATES = frozenset({S.OFFERED, S.ACCEPTED, S.WRAP_UP})
"""States in which a contact occupies an agent's capacity."""


def next_state(state: ContactState, action: Action) -> ContactState:
    """The state ``action`` leads to from ``state``; raises when the move is not allowed."""
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise InvalidTransitionError(
            f"a contact in state '{state}' cannot '{action}'",
            {"state": str(state), "action": str(action)},
            reason="contact-state",
        ) from None


def allowed_actions(state: ContactState) -> frozenset[Action]:
    return frozenset(a for (s, a) in TRANSITIONS if s is state)


_EMAIL = re.compile(r"^([^@\s]{1,2})[^@\s]*@(.+)$")


def mask_customer_ref(ref: str) -> str:
    """Masked form of a caller's reference for lists, logs and reports.

    Phone numbers keep their last two digits, e-mails the first two letters and the domain,
    anything else its first two characters.
    """
    ref = ref.strip()
    email = _EMAIL.match(ref)
    if email:
        return f"{email.group(1)}***@{email.group(2)}"
    digits = [c for c in ref if c.isdigit()]
    if len(digits) >= 6:
        return "•" * (len(digits) - 2) + "".join(digits[-2:])
    return ref[:2] + "***" if len(ref) > 2 else "***"
