"""What travels between Renfort processes: command results, refusals and live events, as JSON.

Commands have their own wire form (:mod:`renfort.services.commands`). A result is one of what
the desk's handlers return; a refusal keeps its ``error_id``, so the caller of a forwarded
command gets exactly the answer it would have got from the leader itself.
"""

from __future__ import annotations

import json
from typing import Any

from renfort.domain import errors
from renfort.domain.contacts import ContactState
from renfort.domain.ids import AgentId, ContactId
from renfort.domain.model import Channel
from renfort.routing.types import AgentStatus, Check, Explanation
from renfort.services.desk_view import ContactView
from renfort.services.events import EventType, LiveEvent

_ERRORS: dict[str, type[errors.RenfortError]] = {
    cls.error_id: cls for cls in (
        errors.ValidationError, errors.NotFoundError, errors.ConflictError,
        errors.InvalidTransitionError, errors.AgentStateError, errors.PermissionDeniedError,
        errors.AuthenticationError, errors.RateLimitedError, errors.UnavailableError,
        errors.InternalError)
}


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def result_to_wire(result: Any) -> dict[str, Any]:
    if result is None:
        return {"kind": "none"}
    if isinstance(result, ContactView):
        values = result._asdict()
        values["channel"], values["state"] = str(result.channel), str(result.state)
        return {"kind": "contact", "value": values}
    if isinstance(result, AgentStatus):
        return {"kind": "agent_status", "value": str(result)}
    if isinstance(result, Explanation):
        return {"kind": "explanation", "value": {
            "contact": result.contact_id, "agent": result.agent_id, "eligible": result.eligible,
            "at": result.at, "checks": [[c.name, c.passed, c.detail] for c in result.checks]}}
    if isinstance(result, dict):
        return {"kind": "dict", "value": result}
    raise TypeError(f"no wire form for {type(result).__name__}")


def result_from_wire(data: dict[str, Any]) -> Any:
    kind, value = data["kind"], data.get("value", {})
    if kind == "none":
        return None
    if kind == "contact":
        return ContactView(**{**value, "channel": Channel(value["channel"]),
                              "state": ContactState(value["state"])})
    if kind == "agent_status":
        return AgentStatus(value)
    if kind == "explanation":
        return Explanation(ContactId(value["contact"]), AgentId(value["agent"]), value["at"],
                           value["eligible"], tuple(Check(n, p, d) for n, p, d
                                                    in value["checks"]))
    if kind == "dict":
        return value
    raise ValueError(f"unknown result kind {kind!r}")


def error_to_wire(error: BaseException) -> dict[str, Any]:
    if isinstance(error, errors.RenfortError):
        return {"error_id": error.error_id, "message": error.message,
                "details": _plain(error.details), "reason": error.reason,
                "values": _plain(error.values)}
    return {"error_id": "internal-error", "message": "an unexpected error stopped this request",
            "details": {}}


def error_from_wire(data: dict[str, Any]) -> errors.RenfortError:
    cls = _ERRORS.get(str(data.get("error_id")), errors.InternalError)
    reason = data.get("reason")
    return cls(str(data.get("message", "")), data.get("details") or {},
               reason=str(reason) if reason else None, values=data.get("values") or {})


def event_to_wire(event: LiveEvent) -> dict[str, Any]:
    return {"id": event.id, "type": str(event.type), "data": event.data,
            "client": event.client_id, "outsourcers": sorted(event.outsourcer_ids),
            "agent": event.agent_id}


def event_from_wire(data: dict[str, Any]) -> LiveEvent:
    return LiveEvent(EventType(data["type"]), data["data"], data.get("client"),
                     frozenset(data.get("outsourcers") or ()), data.get("agent"),
                     str(data["id"]))


def _plain(value: Any) -> Any:
    """Details as JSON can carry them."""
    try:
        json.dumps(value)
        return value
    except TypeError:
        return json.loads(json.dumps(value, default=str))
