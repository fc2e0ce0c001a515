"""Routing audit and reporting facts (same metadata as ``tables``).

``offer_audit``: one row per offer the router made, written in the commit of the offer, with
the rules that chose the agent; it outlives the contact so that "why did this call go
there?" can be answered the next morning.

``interval_facts``: per 15-minute interval × queue × outsourcer × channel, the counts and
sums every report is computed from (definitions in docs/reporting.md). A contact adds to it
when it is finished, in the commit that finishes it; ``renfort report rebuild`` recomputes
the whole table from the contacts and their events with the same function.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Float, ForeignKey, Index, Integer, String, Table

from renfort.store.tables import ID, metadata

offer_audit = Table(
    "offer_audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("contact_id", String(ID), ForeignKey("contacts.id"), nullable=False, index=True),
    Column("at", Float, nullable=False),
    Column("agent_id", String(ID), nullable=False),
    Column("outsourcer_id", String(ID), nullable=True),
    Column("queue_id", String(ID), nullable=False),
    Column("rule", String(1000), nullable=False),
    Column("reasons", JSON, nullable=False),
)

FACT_COUNTS = (
    "offered", "answered", "answered_in_sl", "abandoned", "short_abandons", "redirected",
    "transfers", "callbacks", "overflow_contract", "overflow_solidarity", "answered_home",
    "answered_waiver",
)
"""Integer columns of ``interval_facts``, in report order."""
FACT_SUMS = ("wait_answered_seconds", "wait_abandoned_seconds", "handle_seconds",
             "wrap_seconds")
"""Float columns (sums of seconds) of ``interval_facts``."""
FACT_TALLIES = ("redirects", "waivers")
"""JSON columns of ``interval_facts``: counts by destination and by waiver."""

interval_facts = Table(
    "interval_facts",
    metadata,
    Column("interval_start", Float, primary_key=True),
    Column("queue_id", String(ID), primary_key=True),
    # '' for a contact no outsourcer held when it ended (abandoned or redirected while
    # waiting): a key column cannot be NULL.
    Column("outsourcer_id", String(ID), primary_key=True),
    Column("channel", String(10), primary_key=True),
    Column("client_id", String(ID), nullable=False),
    *(Column(name, Integer, nullable=False, server_default="0") for name in FACT_COUNTS),
    *(Column(name, Float, nullable=False, server_default="0") for name in FACT_SUMS),
    # Redirections by destination (e.g. the medical line), as {destination: count}.
    Column("redirects", JSON, nullable=True),
    # Contacts answered from home under a client's waiver, as {waiver id: count}.
    Column("waivers", JSON, nullable=True),
    Index("ix_interval_facts_client_interval", "client_id", "interval_start"),
    Index("ix_interval_facts_outsourcer_interval", "outsourcer_id", "interval_start"),
)
