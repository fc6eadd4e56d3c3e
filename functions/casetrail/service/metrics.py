"""Key metrics use cases: apply an event to the aggregates, report a range, rebuild from the cases."""

from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from casetrail.domain import metrics
from casetrail.domain.erasure import CASE_DELETED
from casetrail.domain.errors import InvalidRequest
from casetrail.domain.identity import Principal, require_supervising
from casetrail.domain.metrics import GroupBy, MetricsReport
from casetrail.store.metrics import CaseFacts, FactsChanged, MetricsRepository

if TYPE_CHECKING:
    from casetrail.store.cases import CaseRepository

_ATTEMPTS = 5  # concurrent events of one case: each retry re-reads the facts it lost to


class MetricsRecorder:
    """Applies case events to the aggregates, once each, in any order."""

    def __init__(self, repository: MetricsRepository, *, reopen_days: int):
        self._repository = repository
        self._reopen_days = reopen_days

    def record(self, detail: dict[str, Any]) -> bool:
        """True when the event changed the aggregates' inputs; False for a duplicate or an event
        metrics do not depend on."""
        tenant_id, event_id = detail["tenantId"], detail["eventId"]
        if detail["eventType"] == CASE_DELETED:
            return self._forget(tenant_id, detail["caseId"], event_id)
        if detail["eventType"] in metrics.COUNTED_EVENTS:
            return self._repository.apply_event(tenant_id, event_id, metrics.counted_event_contribution(detail))
        fact = metrics.case_fact(detail)
        if fact is None:
            return False
        for _ in range(_ATTEMPTS):
            before = self._repository.case_facts(tenant_id, detail["caseId"])
            facts = metrics.merge_fact(before.facts, fact)
            contribution = metrics.case_contribution(facts, reopen_days=self._reopen_days)
            after = CaseFacts(facts=facts, applied=contribution)
            delta = metrics.difference(contribution, before.applied)
            try:
                return self._repository.apply_case_event(tenant_id, detail["caseId"], event_id, before, after, delta)
            except FactsChanged:
                continue
        raise FactsChanged()  # the message is retried by SQS


    def _forget(self, tenant_id: str, case_id: str, event_id: str) -> bool:
        """A deleted case: the days' counts keep what it added (they are not about anyone); its
        facts go, and so does its share of the current gauges (it is no longer open anywhere)."""
        for _ in range(_ATTEMPTS):
            before = self._repository.case_facts(tenant_id, case_id)
            gauges = Counter({k: -v for k, v in before.applied.items() if k[1] == metrics.CURRENT and v})
            try:
                return self._repository.forget_case(tenant_id, case_id, event_id, before, gauges)
            except FactsChanged:
                continue
        raise FactsChanged()


class MetricsService:
    def __init__(self, repository: MetricsRepository):
        self._repository = repository

    def report(self, principal: Principal, start: date, end: date, group_by: GroupBy) -> MetricsReport:
        require_supervising(principal, "see metrics")
        check_range(start, end)
        return incremental_report(self._repository, principal.tenant_id, start, end, group_by)


def check_range(start: date, end: date) -> None:
    if end < start:
        raise InvalidRequest("to must not be before from", details={"from": start.isoformat(), "to": end.isoformat()})
    if (end - start).days + 1 > metrics.MAX_RANGE_DAYS:
        raise InvalidRequest(f"a range spans at most {metrics.MAX_RANGE_DAYS} days")


def incremental_report(repository: MetricsRepository, tenant_id: str, start: date, end: date, group_by: GroupBy) -> MetricsReport:
    """Reads one aggregate item per day (and group value) of the range, plus the open-case gauges."""
    items = repository.day_items(tenant_id, group_by.value, start.isoformat(), end.isoformat())
    return metrics.report(start.isoformat(), end.isoformat(), group_by, items, repository.open_cases(tenant_id, group_by.value))


def recomputed_report(
    case_histories: Iterable[list[dict[str, Any]]], start: date, end: date, group_by: GroupBy, *, reopen_days: int
) -> MetricsReport:
    """The same report computed from whole case histories (their audit records' event details),
    the way the consumer would have, with no aggregate read: what the rebuild compares against."""
    total: Counter = Counter()
    for details in case_histories:
        facts: list[dict] = []
        for detail in details:
            if detail["eventType"] in metrics.COUNTED_EVENTS:
                total.update(metrics.counted_event_contribution(detail))
            elif (fact := metrics.case_fact(detail)) is not None:
                facts = metrics.merge_fact(facts, fact)
        total.update(metrics.case_contribution(facts, reopen_days=reopen_days))
    days = {(start + timedelta(days=n)).isoformat() for n in range((end - start).days + 1)}
    buckets = metrics.by_bucket(total)
    items = [
        {"period": period, "value": value, **counters}
        for (dimension, period, value), counters in buckets.items()
        if dimension == group_by.value and period in days
    ]
    open_cases = {
        value: counters["openCases"]
        for (dimension, period, value), counters in buckets.items()
        if dimension == group_by.value and period == metrics.CURRENT and counters.get("openCases")
    }
    return metrics.report(start.isoformat(), end.isoformat(), group_by, items, open_cases)


def rebuild_comparison(
    repository: MetricsRepository, cases: "CaseRepository", tenant_id: str, start: date, end: date, *, reopen_days: int
) -> dict[str, Any]:
    """Recomputes the range's figures (per day and per group of each dimension) from the audit
    records of the cases created in the range, and compares them with the incremental ones.
    Reads every such case: an audit tool, never a request path."""
    check_range(start, end)
    case_ids = cases.case_ids_created_between(tenant_id, start.isoformat(), end.isoformat())
    histories = [cases.change_history(tenant_id, case_id) for case_id in case_ids]
    comparison: dict[str, Any] = {"tenantId": tenant_id, "from": start.isoformat(), "to": end.isoformat(), "cases": len(histories)}
    differences = []
    for group_by in GroupBy:
        incremental = incremental_report(repository, tenant_id, start, end, group_by).to_wire()
        recomputed = recomputed_report(histories, start, end, group_by, reopen_days=reopen_days).to_wire()
        comparison[group_by.value] = {"incremental": incremental, "recomputed": recomputed}
        differences.extend(f"{group_by.value}: {line}" for line in _diff(incremental, recomputed))
    comparison["differences"] = differences
    return comparison


def _diff(incremental: dict, recomputed: dict, path: str = "") -> list[str]:
    if isinstance(incremental, dict) and isinstance(recomputed, dict):
        return [line for key in sorted(incremental.keys() | recomputed.keys()) for line in _diff(incremental.get(key), recomputed.get(key), f"{path}.{key}")]
    if isinstance(incremental, list) and isinstance(recomputed, list):
        keyed_a = {g["key"]: g for g in incremental}
        keyed_b = {g["key"]: g for g in recomputed}
        return _diff(keyed_a, keyed_b, path)
    return [] if incremental == recomputed else [f"{path}: incremental {incremental} != recomputed {recomputed}"]
