"""SLAs on a case: which policies apply, and each SLA's state after a case change. Pure.

An SLA keeps the inputs of its clock (when it started, the case's status changes since) rather
than a running total, so its target is recomputed from scratch after every change (sla_clock) and
a late or repeated event lands in the same place: status changes are a set keyed by their time.
"""

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Literal

from pydantic import Field

from casetrail.domain.model_base import CamelModel, Identifier
from casetrail.domain.sla_clock import BusinessCalendar, pauses_from_statuses, target_time
from casetrail.domain.statuses import CaseStatus, Priority

COMPLETED_BY_RESOLUTION = "status = resolved"
# A case in this status stops its SLAs' clocks; in these, it has met (or missed) them.
PAUSING_STATUS = CaseStatus.PENDING_CUSTOMER.value
COMPLETING_STATUSES = frozenset({CaseStatus.RESOLVED.value, CaseStatus.CLOSED.value})


class SlaStatus(StrEnum):
    """Amazon Connect's SLA statuses."""

    ACTIVE = "Active"
    OVERDUE = "Overdue"
    MET = "Met"
    NOT_MET = "NotMet"


class SlaPolicy(CamelModel):
    """Assigns an SLA to the cases it matches: every given criterion must hold."""

    name: Identifier
    target_minutes: int = Field(gt=0, le=60 * 24 * 365, description="Business minutes to reach the target")
    priority: Priority | None = None
    category: str | None = None
    template_id: str | None = None

    def matches(self, case: dict[str, Any]) -> bool:
        wanted = {"priority": self.priority, "category": self.category, "templateId": self.template_id}
        return all(case.get(field) == value for field, value in wanted.items() if value is not None)


class SlaConfiguration(CamelModel):
    """The SLA policies and the business calendar (cdk.json's "casetrail:slaPolicies")."""

    calendar: BusinessCalendar = Field(default_factory=BusinessCalendar)
    policies: list[SlaPolicy] = Field(default_factory=list)


class TenantSlaPolicies(CamelModel):
    """GET /sla-policies: the policies that assign SLAs to the tenant's cases, and the business
    calendar their clocks run on (read-only: policies are deployment configuration)."""

    policies: list[SlaPolicy]
    calendar: BusinessCalendar
    calendar_source: Literal["tenant", "deployment"] = Field(
        description="tenant: its own calendar (casetrail-admin set-sla-calendar); deployment: cdk.json's"
    )


def tenant_sla_policies(configuration: SlaConfiguration, own_calendar: BusinessCalendar | None) -> TenantSlaPolicies:
    """What a tenant's SLA clocks run on: the deployment's policies, on its own calendar when it has one."""
    return TenantSlaPolicies(
        policies=configuration.policies,
        calendar=own_calendar or configuration.calendar,
        calendar_source="tenant" if own_calendar else "deployment",
    )


class StatusChange(CamelModel):
    at: datetime
    status: str


class Sla(CamelModel):
    """One SLA on a case (also its `sla` timeline item's content)."""

    name: str
    target_minutes: int
    completion: Literal["status = resolved"] = COMPLETED_BY_RESOLUTION
    started_at: datetime
    status_changes: list[StatusChange] = Field(default_factory=list, description="The case's status changes since it started")
    target_time: datetime | None = Field(default=None, description="When it breaches; none while the clock is paused")
    status: SlaStatus = SlaStatus.ACTIVE
    completion_time: datetime | None = None

    @property
    def is_running(self) -> bool:
        return self.status in (SlaStatus.ACTIVE, SlaStatus.OVERDUE)


def new_slas(existing: list[Sla], case: dict[str, Any], policies: list[SlaPolicy], at: datetime) -> list[Sla]:
    """SLAs the case now qualifies for and does not have yet (one per policy name, ever)."""
    have = {sla.name for sla in existing}
    if case["status"] in COMPLETING_STATUSES:
        return []
    return [
        Sla(name=policy.name, target_minutes=policy.target_minutes, started_at=at)
        for policy in policies
        if policy.name not in have and policy.matches(case)
    ]


def with_status_change(sla: Sla, at: datetime, status: str, calendar: BusinessCalendar) -> Sla:
    """The SLA after the case moved to `status` at `at` (a change it already holds changes nothing)."""
    if not sla.is_running or at < sla.started_at:
        return sla
    changes = {(c.at, c.status): c for c in sla.status_changes}
    changes[(at, status)] = StatusChange(at=at, status=status)
    return recomputed(sla.model_copy(update={"status_changes": sorted(changes.values(), key=lambda c: c.at)}), calendar)


def recomputed(sla: Sla, calendar: BusinessCalendar) -> Sla:
    """Target, completion and status from the SLA's own inputs (breach included: see breached)."""
    target = target_time(sla.started_at, calendar, sla_pauses(sla), timedelta(minutes=sla.target_minutes))
    completion = next((c.at for c in sla.status_changes if c.status in COMPLETING_STATUSES), None)
    if completion is not None:
        # Once flagged Overdue it stays missed: the breach was published and is not taken back.
        met = sla.status is not SlaStatus.OVERDUE and (target is None or completion <= target)
        return sla.model_copy(update={"target_time": target, "completion_time": completion, "status": SlaStatus.MET if met else SlaStatus.NOT_MET})
    return sla.model_copy(update={"target_time": target})


def sla_pauses(sla: Sla):
    return pauses_from_statuses((c.at, c.status == PAUSING_STATUS) for c in sla.status_changes)


def breached(sla: Sla, now: datetime) -> bool:
    """Active and past its target: the sweeper flags it Overdue (once)."""
    return sla.status is SlaStatus.ACTIVE and sla.target_time is not None and sla.target_time <= now


def next_breach_at(slas: list[Sla]) -> datetime | None:
    """The case's `nextSlaBreachAt`: the earliest target of its SLAs not yet breached or completed."""
    targets = [sla.target_time for sla in slas if sla.status is SlaStatus.ACTIVE and sla.target_time is not None]
    return min(targets, default=None)


def event_type_for(before: Sla | None, after: Sla) -> str | None:
    """The event an SLA's change publishes (None when nothing a subscriber cares about changed)."""
    if before is None:
        return "SLA.ASSIGNED"
    if before.status is after.status:
        return "SLA.UPDATED" if before.target_time != after.target_time else None
    return {SlaStatus.OVERDUE: "SLA.BREACHED", SlaStatus.MET: "SLA.MET", SlaStatus.NOT_MET: "SLA.NOT_MET"}[after.status]
