"""Identifier types shared across packages."""

from __future__ import annotations

import re
import uuid
from typing import NewType

AgentId = NewType("AgentId", str)
ContactId = NewType("ContactId", str)
QueueId = NewType("QueueId", str)
ClientId = NewType("ClientId", str)
OutsourcerId = NewType("OutsourcerId", str)
SiteId = NewType("SiteId", str)
WaiverId = NewType("WaiverId", str)
ContractId = NewType("ContractId", str)

Seconds = float
"""A duration or an instant in seconds (POSIX time in production, virtual in the simulator)."""

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def new_id() -> str:
    """A fresh random identifier (UUID4, hex form)."""
    return uuid.uuid4().hex


def is_slug(value: str) -> bool:
    """Readable identifiers: lower-case letters, digits and dashes, 1–63 characters."""
    return bool(_SLUG.match(value))
