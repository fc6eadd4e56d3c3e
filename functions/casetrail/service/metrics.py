"""Key metrics use cases: apply an event to the aggregates, report a range, rebuild from the cases."""

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from casetrail.domain import metrics
from casetrail.domain.erasure import CASE_DELETED
from casetrail.domain.errors import ConcurrentChange, InvalidRequest
from casetrail.domain.identity import Principal, require_supervising
from casetrail.domain.metrics import Contribution, GroupBy, MetricsReport
from casetrail.service.write_conflicts import CONSUMER_ATTEMPTS, pause_before_retry, retried_on_conflict
from casetrail.store.metrics import CaseState, FactsChanged, MetricsRepository

if TYPE_CHECKING:
    from casetrail.store.cases import CaseRepository
    from casetrail.store.outbox import CreatedCases

_ATTEMPTS = CONSUMER_ATTEMPTS  # concurrent events of one case (or a cancelled transaction): each retry re-reads the facts


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
            contribution = metrics.counted_event_contribution(detail)
            return retried_on_conflict(lambda: self._repository.apply_event(tenant_id, event_id, contribution))
        fact = metrics.case_fact(detail)
        if fact is None:
            return False
        for attempt in range(_ATTEMPTS):
            before = self._repository.case_state(tenant_id, detail["caseId"])
            after, delta = self._after(tenant_id, detail["caseId"], before, fact)
            try:
                return self._repository.apply_case_event(tenant_id, detail["caseId"], event_id, fact, before, after, delta)
            except FactsChanged:
                continue  # another event of the case got in first: recompute on its state
            except ConcurrentChange:
                pause_before_retry(attempt)  # cancelled for a concurrent writer: nothing was written
        raise FactsChanged()  # reported as a batch item failure: SQS retries the message

    def _after(self, tenant_id: str, case_id: str, before: CaseState, fact: dict) -> tuple[CaseState, Contribution]:
        """The case's state with the fact in, and what that adds to the aggregates."""
        in_order = before.summary is not None and fact["v"] > before.summary["lastV"]
        if in_order or not before.has_facts:
            # The usual case (or the case's first fact): the summary alone gives the difference.
            summary, delta = metrics.appended(before.summary or metrics.empty_summary(), fact, reopen_days=self._reopen_days)
            return CaseState(summary=summary, applied=_plus(before.applied, delta)), delta
        # Late (or counted before summaries existed): recompute from every fact.
        facts = metrics.merge_fact(self._repository.case_facts(tenant_id, case_id), fact)
        contribution = metrics.case_contribution(facts, reopen_days=self._reopen_days)
        summary = metrics.summary_of(facts, reopen_days=self._reopen_days)
        return CaseState(summary=summary, applied=contribution), metrics.difference(contribution, before.applied)

    def _forget(self, tenant_id: str, case_id: str, event_id: str) -> bool:
        """A deleted case: the days' counts keep what it added (they are not about anyone); its
        facts go, and so does its share of the current gauges (it is no longer open anywhere)."""
        for attempt in range(_ATTEMPTS):
            before = self._repository.case_state(tenant_id, case_id)
            gauges = Counter({k: -v for k, v in before.applied.items() if k[1] == metrics.CURRENT and v})
            try:
                return self._repository.forget_case(tenant_id, case_id, event_id, before, gauges)
            except FactsChanged:
                continue
            except ConcurrentChange:
                pause_before_retry(attempt)
        raise FactsChanged()


def _plus(applied: Contribution, delta: Contribution) -> Contribution:
    """applied + delta, negative steps included (Counter's + would drop them), zeros dropped."""
    total = Counter(applied)
    for key, amount in delta.items():
        total[key] += amount
    return Counter({k: v for k, v in total.items() if v})


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


def incremental_report(
    repository: MetricsRepository, tenant_id: str, start: date, end: date, group_by: GroupBy, *, today: date | None = None
) -> MetricsReport:
    """Reads the range's aggregate items and the open-case gauges, every shard's, and sums the
    shards into the report: a constant METRIC_SHARDS + 1 Queries per page for a range through
    today (the gauges sort right after the days: one key range holds both), twice that for a
    range that ended before (store/metrics.py)."""
    if end >= (today or datetime.now(UTC).date()):
        days, gauge_items = repository.range_and_gauges(tenant_id, group_by.value, start.isoformat())
        items = [item for item in days if item["period"] <= end.isoformat()]  # a day ahead of this clock's
    else:
        items = repository.day_items(tenant_id, group_by.value, start.isoformat(), end.isoformat())
        gauge_items = repository.open_case_gauges(tenant_id, group_by.value)
    return metrics.report(start.isoformat(), end.isoformat(), group_by, items, metrics.open_cases_by_value(gauge_items))


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
    repository: MetricsRepository, cases: "CaseRepository", tenant_id: str, start: date, end: date, *, reopen_days: int, created: "CreatedCases"
) -> dict[str, Any]:
    """Recomputes the range's figures (per day and per group of each dimension) from the audit
    records of the cases created in the range, and compares them with the incremental ones.
    Reads every such case: an audit tool, never a request path."""
    check_range(start, end)
    case_ids = created.case_ids_created_between(tenant_id, start.isoformat(), end.isoformat())
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
