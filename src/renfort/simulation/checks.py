"""Cross-field rules of a scenario that pydantic cannot state field by field.

Each failure is a :class:`~renfort.domain.errors.ValidationError` whose message starts with
the path of the field at fault, as :func:`renfort.simulation.scenario.parse_scenario` promises.
"""

from __future__ import annotations

from collections.abc import Iterable, Sized

from renfort.domain.errors import ValidationError
from renfort.domain.model import WorkPlace
from renfort.simulation.scenario import Scenario


def _fail(path: str, message: str) -> ValidationError:
    return ValidationError(f"{path}: {message}", {"field": path})


def _unique(slugs: Iterable[str], what: str) -> None:
    seen: set[str] = set()
    for i, slug in enumerate(slugs):
        if slug in seen:
            raise _fail(f"{what}[{i}]", f"duplicate slug {slug!r}")
        seen.add(slug)


def _length(values: object, n: int, path: str) -> None:
    if isinstance(values, list | tuple) and isinstance(values, Sized) and len(values) != n:
        raise _fail(path, f"{len(values)} values for {n} intervals")


def check_scenario(s: Scenario) -> None:
    """Raise on the first broken cross-reference or inconsistent field."""
    n = s.intervals
    _unique((c.slug for c in s.clients), "clients")
    _unique(s.outsourcers, "outsourcers")
    _unique((x.slug for x in s.sites), "sites")
    _unique((q.slug for q in s.queues), "queues")
    _unique((g.name for g in s.agents), "agents")
    clients = {c.slug for c in s.clients}
    outsourcers = set(s.outsourcers)
    sites = {x.slug: x.outsourcer for x in s.sites}
    for i, site in enumerate(s.sites):
        if outsourcers and site.outsourcer not in outsourcers:
            raise _fail(f"sites[{i}].outsourcer", f"unknown outsourcer {site.outsourcer!r}")
    queue_client: dict[str, str | None] = {}
    for i, q in enumerate(s.queues):
        path = f"queues[{i}]"
        if q.client is None and len(clients) > 1:
            raise _fail(f"{path}.client", "name the client: the scenario has several")
        if q.client is not None and clients and q.client not in clients:
            raise _fail(f"{path}.client", f"unknown client {q.client!r}")
        queue_client[q.slug] = q.client
        a = q.arrivals
        if (a.volumes is None) == (a.rates_per_hour is None):
            raise _fail(f"{path}.arrivals", "give exactly one of volumes and rates_per_hour")
        _length(a.volumes, n, f"{path}.arrivals.volumes")
        _length(a.rates_per_hour, n, f"{path}.arrivals.rates_per_hour")
        _length(q.handle_time_means, n, f"{path}.handle_time_means")
        _length(q.patience_means, n, f"{path}.patience_means")
        for j, surge in enumerate(a.surges):
            if surge.to is not None and surge.to <= surge.from_:
                raise _fail(f"{path}.arrivals.surges[{j}].to", "a surge must end after it starts")
        tiers = q.bullseye
        if not tiers or tiers[0].after_seconds != 0.0:
            raise _fail(f"{path}.bullseye", "the first tier starts at 0 s")
        for j in range(1, len(tiers)):
            if tiers[j].after_seconds <= tiers[j - 1].after_seconds:
                raise _fail(f"{path}.bullseye[{j}]", "tiers must start later and later")
            if tiers[j].min_proficiency >= tiers[j - 1].min_proficiency:
                raise _fail(f"{path}.bullseye[{j}]", "each tier must widen (lower proficiency)")
    skills = {q.skill or q.slug for q in s.queues}
    for i, g in enumerate(s.agents):
        path = f"agents[{i}]"
        if g.outsourcer is not None and outsourcers and g.outsourcer not in outsourcers:
            raise _fail(f"{path}.outsourcer", f"unknown outsourcer {g.outsourcer!r}")
        if g.site is not None:
            if g.site not in sites:
                raise _fail(f"{path}.site", f"unknown site {g.site!r}")
            if g.outsourcer is not None and sites[g.site] != g.outsourcer:
                raise _fail(f"{path}.site", f"site {g.site!r} belongs to another outsourcer")
            if g.location is WorkPlace.HOME:
                raise _fail(f"{path}.site", "home agents have no site")
        if not skills & set(g.skills):
            raise _fail(f"{path}.skills", "no queue requires any of these skills")
        if g.staffing is not None:
            if g.count is not None or g.shifts is not None:
                raise _fail(f"{path}.staffing", "give either staffing or count (and shifts)")
            _length(g.staffing, n, f"{path}.staffing")
        elif g.count is None:
            raise _fail(f"{path}.count", "give a count (with shifts) or a staffing profile")
        for j, shift in enumerate(g.shifts or ()):
            if shift.end <= shift.start:
                raise _fail(f"{path}.shifts[{j}].end", "a shift must end after it starts")
            for k, brk in enumerate(shift.breaks):
                if not shift.start <= brk.start < shift.end:
                    raise _fail(f"{path}.shifts[{j}].breaks[{k}].start",
                                "a break starts within its shift")
    for i, c in enumerate(s.contracts or ()):
        path = f"contracts[{i}]"
        if clients and c.client not in clients:
            raise _fail(f"{path}.client", f"unknown client {c.client!r}")
        if outsourcers and c.outsourcer not in outsourcers:
            raise _fail(f"{path}.outsourcer", f"unknown outsourcer {c.outsourcer!r}")
        _queues_of_client(c.queues, c.client, queue_client, path)
    for i, w in enumerate(s.waivers):
        path = f"waivers[{i}]"
        if clients and w.client not in clients:
            raise _fail(f"{path}.client", f"unknown client {w.client!r}")
        if w.to <= w.from_:
            raise _fail(f"{path}.to", "a waiver must end after it starts")
        _queues_of_client(w.queues, w.client, queue_client, path)


def _queues_of_client(
    queues: list[str], client: str, owner: dict[str, str | None], path: str
) -> None:
    for j, slug in enumerate(queues):
        if slug not in owner:
            raise _fail(f"{path}.queues[{j}]", f"unknown queue {slug!r}")
        if owner[slug] is not None and owner[slug] != client:
            raise _fail(f"{path}.queues[{j}]", f"queue {slug!r} belongs to another client")
