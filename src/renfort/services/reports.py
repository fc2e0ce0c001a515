"""The service-level report: the interval facts a principal may see, added up.

Tenancy (one rule, here): the admin sees every row; a client's viewer the rows of its
queues, whichever outsourcer answered (the ministry sees its line across outsourcers); an
outsourcer's manager or supervisor only the rows of contacts its agents held. Nobody else
reads reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, func, select, true

from renfort.domain.bounds import EARLIEST_DAY, LATEST_DAY
from renfort.domain.clock import PARIS
from renfort.domain.errors import PermissionDeniedError, ValidationError
from renfort.reporting import sla
from renfort.reporting.facts import interval_of
from renfort.services.principals import OUTSOURCER_ROLES, Principal, Role
from renfort.store import report_tables as r
from renfort.store import tables as t

GROUPS = ("day", "interval", "total")
"""``total``: the whole range as one period (the pages' summary tables)."""
INTERVALS = (15, 30)
MAX_DAYS = 366
READERS = (Role.CLIENT_VIEWER, Role.OUTSOURCER_MANAGER, Role.SUPERVISOR)


@dataclass(frozen=True)
class ReportQuery:
    """What a report covers: Paris days ``first``..``last`` (inclusive)."""

    first: date
    last: date
    group_by: str = "day"
    by: tuple[str, ...] = ("outsourcer",)
    interval_minutes: int = 30

    @staticmethod
    def parse(first: str, last: str | None, group_by: str = "day", by: str = "outsourcer",
              interval_minutes: int = 30) -> ReportQuery:
        """Check every field; a bad one raises a ValidationError naming it."""
        start = _day(first, "from")
        end = _day(last, "to") if last else start
        if end < start:
            raise ValidationError("'to' comes before 'from'", {"field": "to"},
                                  reason="report-order")
        if (end - start).days >= MAX_DAYS:
            raise ValidationError(f"a report covers at most {MAX_DAYS} days", {"field": "to"},
                                  reason="report-too-long", values={"max": MAX_DAYS})
        if group_by not in GROUPS:
            raise ValidationError("group_by is 'day', 'interval' or 'total'",
                                  {"field": "group_by"}, reason="group-by")
        if interval_minutes not in INTERVALS:
            raise ValidationError("interval is 15 or 30 minutes", {"field": "interval"},
                                  reason="report-interval")
        dims = tuple(d.strip() for d in by.split(",") if d.strip())
        unknown = [d for d in dims if d not in sla.DIMENSIONS]
        if unknown:
            raise ValidationError(
                f"unknown breakdown {', '.join(unknown)}: choose among "
                f"{', '.join(sla.DIMENSIONS)}", {"field": "by"}, reason="breakdown-unknown")
        return ReportQuery(start, end, group_by, tuple(dict.fromkeys(dims)), interval_minutes)

    def bounds(self) -> tuple[float, float]:
        """POSIX seconds from the first day's Paris midnight to after the last day's."""
        start = datetime.combine(self.first, time(0), tzinfo=PARIS).timestamp()
        end = datetime.combine(self.last + timedelta(days=1), time(0), tzinfo=PARIS).timestamp()
        return start, end

    def period_of(self, instant: float) -> str:
        if self.group_by == "total":
            return f"{self.first.isoformat()}/{self.last.isoformat()}"
        if self.group_by == "day":
            return datetime.fromtimestamp(instant, tz=PARIS).date().isoformat()
        start = interval_of(instant, self.interval_minutes * 60.0)
        return datetime.fromtimestamp(start, tz=PARIS).isoformat(timespec="minutes")


def _day(value: str, field: str) -> date:
    try:
        day = date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise ValidationError(f"'{field}' must be a date such as 2020-03-17",
                              {"field": field}, reason="date-format") from None
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValidationError(f"'{field}' lies outside {EARLIEST_DAY}..{LATEST_DAY}",
                              {"field": field},
                              reason="date-out-of-range",
                              values={"earliest": EARLIEST_DAY, "latest": LATEST_DAY})
    return day


def fact_filter(who: Principal) -> ColumnElement[bool]:
    """The fact rows the principal may read; refuses principals who read no report."""
    f = r.interval_facts.c
    if who.role is Role.ADMIN:
        return true()
    if who.role is Role.CLIENT_VIEWER and who.client_id:
        return f.client_id == who.client_id
    if who.role in OUTSOURCER_ROLES and who.outsourcer_id:
        return f.outsourcer_id == who.outsourcer_id
    raise PermissionDeniedError(f"role {who.role} cannot read reports", {},
                                reason="role-cannot-reports")


def names(conn: Connection) -> sla.Names:
    queues = {str(i): str(s) for i, s in conn.execute(select(t.queues.c.id, t.queues.c.slug))}
    clients = {str(i): str(s) for i, s in conn.execute(select(t.clients.c.id, t.clients.c.slug))}
    outsourcers = {str(i): str(s) for i, s in conn.execute(
        select(t.outsourcers.c.id, t.outsourcers.c.slug))}
    targets = {str(i): float(v) for i, v in conn.execute(
        select(t.queues.c.id, t.queues.c.sl_target))}
    shares = sla.normalised_shares(
        (str(q), str(o), float(v)) for q, o, v in conn.execute(
            select(t.contract_queues.c.queue_id, t.contracts.c.outsourcer_id,
                   t.contracts.c.volume_share)
            .join(t.contracts, t.contracts.c.id == t.contract_queues.c.contract_id)))
    return sla.Names(queues, clients, outsourcers, targets, shares)


def sla_report(conn: Connection, who: Principal, query: ReportQuery) -> dict[str, Any]:
    """The report's rows, the columns they carry, and the staffing of the same periods."""
    where = fact_filter(who)
    start, end = query.bounds()
    f = r.interval_facts.c
    facts = [dict(row) for row in conn.execute(select(r.interval_facts).where(
        and_(where, f.interval_start >= start, f.interval_start < end))
        .order_by(f.interval_start)).mappings()]
    named = names(conn)
    shares_from = _share_basis(conn, who, start, end) if who.role in OUTSOURCER_ROLES else None
    rows = sla.report(facts, named, by=query.by, period_of=query.period_of,
                      share_facts=shares_from)
    columns = ["period", *[d for d in sla.DIMENSIONS if d in query.by], *sla.COUNTS,
               *sla.RATIOS, *sla.TALLIES]
    return {"from": query.first.isoformat(), "to": query.last.isoformat(),
            "group_by": query.group_by, "interval_minutes": query.interval_minutes
            if query.group_by == "interval" else None, "by": list(query.by),
            "columns": columns, "rows": rows,
            "staffing": staffing(conn, who, query)}


def _share_basis(conn: Connection, who: Principal, start: float,
                 end: float) -> list[dict[str, Any]]:
    """An outsourcer's share achieved is measured against every contracted outsourcer of
    the queue: the answered counts per queue and outsourcer, nothing else."""
    f = r.interval_facts.c
    queues = select(f.queue_id).where(f.outsourcer_id == who.outsourcer_id).distinct()
    return [dict(row) for row in conn.execute(
        select(f.interval_start, f.queue_id, f.outsourcer_id,
               func.sum(f.answered).label("answered"))
        .where(f.interval_start >= start, f.interval_start < end, f.queue_id.in_(queues))
        .group_by(f.interval_start, f.queue_id, f.outsourcer_id)).mappings()]


def staffing(conn: Connection, who: Principal, query: ReportQuery) -> list[dict[str, Any]]:
    """Agents logged in at some time of each period, per outsourcer: in all, on site, at
    home (from the agents' status history; the admin and outsourcers only)."""
    if who.role is Role.ADMIN:
        scope: ColumnElement[bool] = true()
    elif who.role in OUTSOURCER_ROLES and who.outsourcer_id:
        scope = t.agents.c.outsourcer_id == who.outsourcer_id
    else:
        return []
    start, end = query.bounds()
    agents = {str(i): (str(o), str(w)) for i, o, w in conn.execute(
        select(t.agents.c.id, t.agents.c.outsourcer_id, t.agents.c.works_from).where(scope))}
    if not agents:
        return []
    e = t.agent_events.c
    before = select(e.agent_id, func.max(e.at).label("at")).where(
        e.at < start, e.agent_id.in_(agents)).group_by(e.agent_id).subquery()
    rows = list(conn.execute(
        select(e.agent_id, e.status, e.at).join(
            before, and_(before.c.agent_id == e.agent_id, before.c.at == e.at))))
    rows += list(conn.execute(select(e.agent_id, e.status, e.at).where(
        e.at >= start, e.at < end, e.agent_id.in_(agents)).order_by(e.at, e.id)))
    sessions: dict[str, list[tuple[float, float]]] = {}
    opened: dict[str, float] = {}
    for agent_id, status, at in sorted(rows, key=lambda row: (row[2], row[0])):
        agent = str(agent_id)
        if status == "logged_out":
            if agent in opened:
                sessions.setdefault(agent, []).append((opened.pop(agent), float(at)))
        elif agent not in opened:
            opened[agent] = max(float(at), start)
    for agent, since in opened.items():
        sessions.setdefault(agent, []).append((since, end))
    counted: dict[tuple[str, str], dict[str, set[str]]] = {}
    for agent, spans in sessions.items():
        outsourcer, place = agents[agent]
        for since, until in spans:
            moment = interval_of(max(since, start), 900.0)
            while moment < min(until, end):
                period = query.period_of(moment)
                cell = counted.setdefault((period, outsourcer), {"site": set(), "home": set()})
                cell["home" if place == "home" else "site"].add(agent)
                moment += 900.0
    named = names(conn).outsourcers
    return [{"period": period, "outsourcer": named.get(outsourcer, outsourcer),
             "staffed": len(cell["site"]) + len(cell["home"]), "on_site": len(cell["site"]),
             "at_home": len(cell["home"])}
            for (period, outsourcer), cell in sorted(counted.items())]

