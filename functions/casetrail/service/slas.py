"""SLA use cases: keep a case's SLAs current after its events, and flag breaches every minute."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from casetrail.domain import sla_tracking
from casetrail.domain.cases import Case
from casetrail.domain.errors import CaseNotFound, VersionConflict
from casetrail.domain.events import CaseChange
from casetrail.domain.slas import SlaConfiguration
from casetrail.service.cases import Clock, utc_now
from casetrail.service.write_conflicts import LOST_RACE
from casetrail.store.cases import CaseRepository
from casetrail.store.keys import DUE_SHARDS
from casetrail.store.sla_calendars import SlaCalendarRepository
from casetrail.store.timeline import TimelineRepository

# A change made meanwhile by an agent or a rule is re-read and the SLAs recomputed on it.
_ATTEMPTS = 3
# Cases read per sweep at most (the rest wait a minute): bounds a sweep's time.
SWEEP_LIMIT = 400


@dataclass(frozen=True)
class SweepResult:
    read: int
    flagged: int


class SlaService:
    def __init__(
        self,
        cases: CaseRepository,
        timeline: TimelineRepository,
        configuration: SlaConfiguration,
        calendars: SlaCalendarRepository,
        clock: Clock = utc_now,
    ):
        self._cases = cases
        self._timeline = timeline
        self._configuration = configuration
        self._calendars = calendars
        self._clock = clock

    def track(self, detail: dict[str, Any]) -> list[CaseChange]:
        """Applies a CASE.CREATED/UPDATED event to its case's SLAs (a repeat applies nothing)."""
        if detail.get("eventType") not in sla_tracking.SLA_INPUT_EVENT_TYPES:
            return []
        tenant_id, case_id = detail["tenantId"], detail["caseId"]
        configuration = self._configuration_of(tenant_id)
        history = self._cases.change_history(tenant_id, case_id) if sla_tracking.may_assign(detail) and configuration.policies else []
        return self._commit(tenant_id, case_id, lambda case: sla_tracking.on_case_event(case, detail, configuration, history))

    def _configuration_of(self, tenant_id: str) -> SlaConfiguration:
        """The deployment's policies, on the tenant's own business calendar when it has one."""
        calendar = self._calendars.get(tenant_id)
        return self._configuration.model_copy(update={"calendar": calendar}) if calendar else self._configuration

    def flag_breaches(self, tenant_ids: Iterable[str], limit: int = SWEEP_LIMIT) -> SweepResult:
        """One sweep of each tenant's due partitions (`limit` cases read at most per tenant):
        every active SLA past its target becomes Overdue and publishes SLA.BREACHED, once: the
        flag is a versioned change of the case, and an Overdue SLA is not breached again."""
        now = self._clock()
        read = flagged = 0
        for tenant_id, shard in ((t, s) for t in tenant_ids for s in range(DUE_SHARDS)):
            budget, token = limit // DUE_SHARDS, None
            while budget > 0:
                page = self._cases.sla_due(tenant_id, shard, now=now, limit=budget, next_token=token)
                budget -= len(page.items)
                read += len(page.items)
                for case in page.items:
                    try:
                        flagged += len(self._commit(case.tenant_id, case.case_id, lambda fresh: sla_tracking.on_sweep(fresh, now)))
                    except LOST_RACE:
                        pass  # a busy case: the next sweep reads it again
                token = page.next_token
                if token is None:
                    break
        return SweepResult(read=read, flagged=flagged)

    def _commit(self, tenant_id: str, case_id: str, compute: Callable[[Case], list[CaseChange]]) -> list[CaseChange]:
        for _ in range(_ATTEMPTS):
            try:
                case = self._cases.get(tenant_id, case_id)
            except CaseNotFound:
                return []  # deleted since: no SLA left to keep
            changes = compute(case)
            if not changes:
                return []
            operations = [op for change in changes for op in self._timeline.put_operations(change.related_item)]
            try:
                self._cases.save(changes[-1], also=operations, earlier=changes[:-1])
                return changes
            except LOST_RACE:
                continue  # changed meanwhile: recompute on the fresh case
        raise VersionConflict(f"case {case_id} keeps changing; the SLA update will be retried", details={"caseId": case_id})
