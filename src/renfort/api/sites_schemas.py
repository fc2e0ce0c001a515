"""Request bodies of the sites, telework and sanitary-register endpoints."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from renfort.api.schemas import Body, Day, Instant, Ref
from renfort.domain.model import WorkPlace


class DistancingIn(Body):
    min_distance: float | None = Field(default=None, gt=0, le=20,
                                       description="metres between two occupied seats")
    no_min_distance: bool = Field(default=False,
                                  description="drop the distance rule (rows rule only)")
    free_seat_between: bool | None = Field(
        default=None, description="one free seat between two operators along a row")
    cleaning_minutes: float | None = Field(default=None, ge=0, le=1440)
    time_limit: float = Field(default=10.0, ge=0, le=60, description="solver seconds")


class ShiftIn(Body):
    label: str = Field(min_length=1, max_length=100)
    starts_at: Instant
    ends_at: Instant
    planned: int = Field(ge=0, le=10_000, description="agents planned on site")


class CheckInIn(Body):
    agent: str = Field(default="me", min_length=1, max_length=80,
                       description="agent id, or 'me'")
    seat: str = Field(min_length=1, max_length=40)


class CheckOutIn(Body):
    agent: str = Field(default="me", min_length=1, max_length=80)


class ExposureIn(Body):
    agent: Ref = Field(description="the agent who reported a positive test")
    days: float = Field(default=14, gt=0, le=28)
    distance: float = Field(default=2.0, ge=0, le=10, description="metres")


class PurgeIn(Body):
    older_than_days: float = Field(default=30, ge=28, le=3650,
                                   description="closed check-ins that ended before then go")


class HomeSetupIn(Body):
    managed_laptop: bool | None = None
    vpn: bool | None = None
    softphone: bool | None = None
    training_done: bool | None = None


class ConsultationIn(Body):
    held_on: Day
    participants: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        min_length=1, max_length=50)
    opinion: str = Field(min_length=1, max_length=4000,
                         description="the staff representatives' opinion")
    decision: str = Field(min_length=1, max_length=4000)


class MeasureChangeIn(Body):
    measure: str = Field(min_length=1, max_length=63, description="code in the guide")
    status: str = Field(max_length=20, description="planned | in_place | adapted | "
                                                   "suspended | not_applicable")
    evidence: str = Field(default="", max_length=4000)


class MeasureRecordIn(Body):
    consultation: ConsultationIn
    changes: list[MeasureChangeIn] = Field(min_length=1, max_length=100)


class AgentMovesIn(Body):
    agents: list[Ref] = Field(min_length=1, max_length=2000, description="agent ids")
    to: WorkPlace = Field(description="home, or site (back to the agent's site)")
    site: Ref | None = Field(default=None,
                             description="site for agents going back who have none recorded")
    dry_run: bool = Field(default=False, description="preview only: nothing is changed")


class StaffConsultationIn(Body):
    """A consultation's minutes and the representatives' opinion, dated today by the server;
    a past day only as a late entry."""

    participants: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        min_length=1, max_length=50)
    minutes: str = Field(min_length=1, max_length=20_000)
    opinion: str = Field(default="", max_length=4000)
    held_on: Day | None = Field(default=None, description="a past day: a late entry")
    late: bool = Field(default=False, description="true to record a past day")
