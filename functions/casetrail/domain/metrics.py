"""Key metrics: what a case event contributes to a tenant's daily figures, as pure functions.

The Metrics consumer keeps, per case, the few *facts* of its history that metrics depend on (its
creation, its status and dimension changes, its contacts), each tagged with the case version that
made it. A case's contribution to the aggregates is a pure function of those facts, so:
- order does not matter: a late event adds its fact and the case's contribution is recomputed;
- a duplicate changes nothing: the same fact replaces itself and the contribution is unchanged;
- the consumer only ever adds the *difference* between the new and the previous contribution;
- the rebuild command computes the very same contributions from the audit records.

Most events arrive in version order, and then the consumer needs none of the case's history: a
bounded *summary* of the facts so far (its last status and group, how many contacts, its first
resolution) gives the difference a later fact makes (`appended`). Only a fact older than the
latest one makes it read every fact and recompute the contribution as above.
"""

from collections import Counter
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import Field

from casetrail.domain.model_base import CamelModel
from casetrail.domain.statuses import CaseStatus

MAX_RANGE_DAYS = 366
NO_VALUE = "(none)"  # the group of cases without a template, queue or category
# Connect's first-contact resolution counts these channels; a TASK contact is work, not a contact.
FCR_CHANNELS = frozenset({"VOICE", "CHAT", "EMAIL"})
_WORKING = frozenset({CaseStatus.OPEN.value, CaseStatus.IN_PROGRESS.value, CaseStatus.PENDING_CUSTOMER.value})
_DIMENSION_FIELDS = {"template": "templateId", "queue": "queue", "category": "category"}
# Events that each add one to a counter on their own day (no case history needed).
COUNTED_EVENTS = {"TASK.OVERDUE": "tasksOverdue", "SLA.MET": "slasMet", "SLA.NOT_MET": "slasNotMet"}
# CASE.DELETED: the case's facts and its share of the current gauges go (service/metrics.py).
METRIC_EVENT_TYPES = ("CASE.CREATED", "CASE.UPDATED", "RELATED_ITEM.CREATED", *COUNTED_EVENTS, "CASE.DELETED")
CURRENT = "current"  # the period of a gauge (openCases): now, not a day


class GroupBy(StrEnum):
    DAY = "day"
    TEMPLATE = "template"
    QUEUE = "queue"
    CATEGORY = "category"


# A bucket is one aggregate item: (dimension, period, value). Every contribution lands once in
# each dimension, so summing any one dimension's buckets gives the tenant's totals.
Bucket = tuple[str, str, str]
Contribution = Counter  # (dimension, period, value, counter) -> amount


def case_fact(detail: dict[str, Any]) -> dict[str, Any] | None:
    """The fact a case event adds to its case's history; None when metrics do not depend on it."""
    event_type = detail["eventType"]
    if event_type not in METRIC_EVENT_TYPES or event_type in COUNTED_EVENTS:
        return None  # e.g. a task's or an SLA's change: no fact of the case's history
    case = detail["case"]
    fact = {
        "v": detail["caseVersion"],
        "at": detail["approximateChangeTime"],
        "createdAt": case["createdAt"],
        "status": case["status"],
        "dims": {name: case.get(field) or NO_VALUE for name, field in _DIMENSION_FIELDS.items()},
    }
    if event_type == "CASE.CREATED":
        return {**fact, "kind": "created"}
    if event_type == "CASE.UPDATED":
        changed = {c["fieldId"]: c for c in detail.get("changes", [])}
        if "status" not in changed and not changed.keys() & set(_DIMENSION_FIELDS.values()):
            return None
        previous = changed["status"]["oldValue"] if "status" in changed else case["status"]
        return {**fact, "kind": "updated", "previous": previous}
    if event_type == "RELATED_ITEM.CREATED":
        item = detail.get("relatedItem") or {}
        if item.get("type") != "contact":
            return None
        return {**fact, "kind": "contact", "channel": item["content"]["channel"]}
    return None


def merge_fact(facts: list[dict], fact: dict) -> list[dict]:
    """The case's facts with this one in (a redelivered fact replaces itself), in version order."""
    kept = [f for f in facts if (f["v"], f["kind"]) != (fact["v"], fact["kind"])]
    return sorted([*kept, fact], key=lambda f: (f["v"], f["kind"]))


def case_contribution(facts: list[dict], *, reopen_days: int) -> Contribution:
    """Everything one case adds to the aggregates, given all of its facts known so far."""
    out: Contribution = Counter()
    contacts: list[dict] = []
    resolutions: list[dict] = []
    reopens: list[dict] = []
    for fact in facts:
        day = _day(fact["at"])
        if fact["kind"] == "created":
            _add(out, fact, day, casesCreated=1)
        elif fact["kind"] == "contact":
            contacts.append(fact)
        elif fact["previous"] != CaseStatus.RESOLVED.value and fact["status"] == CaseStatus.RESOLVED.value:
            resolutions.append(fact)
            seconds = int((_time(fact["at"]) - _time(fact["createdAt"])).total_seconds())
            before = [c for c in contacts if c["v"] < fact["v"]]
            _add(out, fact, day, casesResolved=1, resolutionSeconds=seconds, contactsAtResolution=len(before))
        elif fact["previous"] == CaseStatus.RESOLVED.value and fact["status"] in _WORKING:
            reopens.append(fact)
            _add(out, fact, day, casesReopened=1)
    if resolutions and is_first_contact_resolution(resolutions[0], contacts, reopens, reopen_days=reopen_days):
        _add(out, resolutions[0], _day(resolutions[0]["at"]), firstContactResolutions=1)
    if facts and facts[-1]["status"] in _WORKING:
        _add(out, facts[-1], CURRENT, openCases=1)
    return out


def is_first_contact_resolution(resolution: dict, contacts: list[dict], reopens: list[dict], *, reopen_days: int) -> bool:
    """The case's first resolution, with exactly one voice, chat or email contact linked before it,
    and no reopening within `reopen_days` of it (see the README's definition)."""
    linked = [c for c in contacts if c["v"] < resolution["v"] and c["channel"] in FCR_CHANNELS]
    window_end = _time(resolution["at"]) + timedelta(days=reopen_days)
    reopened = any(r["v"] > resolution["v"] and _time(r["at"]) < window_end for r in reopens)
    return len(linked) == 1 and not reopened


def empty_summary() -> dict[str, Any]:
    """The summary of a case with no facts yet."""
    return {"lastV": 0, "last": None, "contacts": 0, "fcrContacts": 0, "firstResolution": None}


def appended(summary: dict[str, Any], fact: dict[str, Any], *, reopen_days: int) -> tuple[dict[str, Any], Contribution]:
    """(the summary with `fact` after it, what the fact adds to the case's contribution), for a fact
    later than every fact in the summary (fact["v"] > summary["lastV"]). Adding these differences
    fact by fact gives exactly case_contribution of the facts (tests/unit/test_metrics.py)."""
    after = dict(summary)
    out: Contribution = Counter()
    day = _day(fact["at"])
    if fact["kind"] == "created":
        _add(out, fact, day, casesCreated=1)
    elif fact["kind"] == "contact":
        after["contacts"] += 1
        after["fcrContacts"] += fact["channel"] in FCR_CHANNELS
    elif fact["previous"] != CaseStatus.RESOLVED.value and fact["status"] == CaseStatus.RESOLVED.value:
        seconds = int((_time(fact["at"]) - _time(fact["createdAt"])).total_seconds())
        _add(out, fact, day, casesResolved=1, resolutionSeconds=seconds, contactsAtResolution=after["contacts"])
        if after["firstResolution"] is None:
            # No reopening can follow it yet: the FCR holds with exactly one contact before it.
            counted = after["fcrContacts"] == 1
            after["firstResolution"] = {"v": fact["v"], "at": fact["at"], "dims": fact["dims"], "fcr": counted}
            if counted:
                _add(out, fact, day, firstContactResolutions=1)
    elif fact["previous"] == CaseStatus.RESOLVED.value and fact["status"] in _WORKING:
        _add(out, fact, day, casesReopened=1)
        first = after["firstResolution"]
        if first and first["fcr"] and _time(fact["at"]) < _time(first["at"]) + timedelta(days=reopen_days):
            _add(out, first, _day(first["at"]), firstContactResolutions=-1)  # reopened within the window
            after["firstResolution"] = {**first, "fcr": False}
    if after["last"] and after["last"]["status"] in _WORKING:
        _add(out, after["last"], CURRENT, openCases=-1)
    if fact["status"] in _WORKING:
        _add(out, fact, CURRENT, openCases=1)
    after["last"] = {"status": fact["status"], "dims": fact["dims"]}
    after["lastV"] = fact["v"]
    return after, Counter({k: v for k, v in out.items() if v})


def summary_of(facts: list[dict], *, reopen_days: int) -> dict[str, Any]:
    """The summary of facts given in version order (after a late fact, from all of them)."""
    summary = empty_summary()
    for fact in facts:
        summary, _ = appended(summary, fact, reopen_days=reopen_days)
    return summary


def counted_event_contribution(detail: dict[str, Any]) -> Contribution:
    """A TASK.OVERDUE, SLA.MET or SLA.NOT_MET event: one on the day it happened, grouped by its
    case's dimensions (a standalone task's by none)."""
    case = detail.get("case") or {}
    fact = {"dims": {name: case.get(field) or NO_VALUE for name, field in _DIMENSION_FIELDS.items()}}
    out: Contribution = Counter()
    _add(out, fact, _day(detail["approximateChangeTime"]), **{COUNTED_EVENTS[detail["eventType"]]: 1})
    return out


def difference(new: Contribution, old: Contribution) -> Contribution:
    """What to add to the aggregates to go from `old` to `new` (zero entries dropped)."""
    delta = Counter(new)
    delta.subtract(old)
    return Counter({k: v for k, v in delta.items() if v})


def by_bucket(contribution: Contribution) -> dict[Bucket, dict[str, int]]:
    buckets: dict[Bucket, dict[str, int]] = {}
    for (dimension, period, value, counter), amount in contribution.items():
        buckets.setdefault((dimension, period, value), {})[counter] = amount
    return buckets


def _add(out: Contribution, fact: dict, period: str, **counters: int) -> None:
    values = {GroupBy.DAY.value: "all", **fact["dims"]}
    for dimension, value in values.items():
        for counter, amount in counters.items():
            out[(dimension, period, value, counter)] += amount


def _time(value: str | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value.replace("Z", "+00:00"))


def _day(value: str) -> str:
    return _time(value).strftime("%Y-%m-%d")


# --- the report -------------------------------------------------------------------------------

COUNTERS = (
    "casesCreated",
    "casesResolved",
    "casesReopened",
    "resolutionSeconds",
    "contactsAtResolution",
    "firstContactResolutions",
    "tasksOverdue",
    "slasMet",
    "slasNotMet",
)


class MetricFigures(CamelModel):
    cases_created: int = 0
    cases_resolved: int = 0
    cases_reopened: int = 0
    open_cases: int | None = Field(default=None, description="Cases open now (not per day: null in day groups)")
    average_resolution_seconds: float | None = Field(default=None, description="Creation to resolution, per resolution")
    average_contacts_per_case: float | None = Field(default=None, description="Contacts linked before resolution, per resolved case")
    first_contact_resolution_rate: float | None = Field(default=None, description="See the README's definition")
    sla_met_rate: float | None = Field(default=None, description="SLAs met / SLAs completed (met or not met); null when none")
    tasks_overdue: int = 0

    @classmethod
    def of(cls, counters: dict[str, int], open_cases: int | None) -> "MetricFigures":
        resolved = counters.get("casesResolved", 0)

        def per_resolution(name: str) -> float | None:
            return round(counters.get(name, 0) / resolved, 4) if resolved else None

        return cls(
            cases_created=counters.get("casesCreated", 0),
            cases_resolved=resolved,
            cases_reopened=counters.get("casesReopened", 0),
            open_cases=open_cases,
            average_resolution_seconds=per_resolution("resolutionSeconds"),
            average_contacts_per_case=per_resolution("contactsAtResolution"),
            first_contact_resolution_rate=per_resolution("firstContactResolutions"),
            tasks_overdue=counters.get("tasksOverdue", 0),
            sla_met_rate=_rate(counters.get("slasMet", 0), counters.get("slasNotMet", 0)),
        )


def _rate(met: int, not_met: int) -> float | None:
    return round(met / (met + not_met), 4) if met + not_met else None


class MetricsGroup(MetricFigures):
    key: str = Field(description="The day (YYYY-MM-DD), or the template, queue or category")


class MetricsReport(CamelModel):
    from_: str = Field(alias="from")
    to: str
    group_by: GroupBy
    totals: MetricFigures
    groups: list[MetricsGroup]


def open_cases_by_value(gauge_items: list[dict]) -> dict[str, int]:
    """The open-case gauge per group value: its shards' items summed (values with none open left out)."""
    gauges: Counter = Counter()
    for item in gauge_items:
        gauges[item["value"]] += int(item.get("openCases", 0))
    return {value: count for value, count in gauges.items() if count}


def report(
    start: str, end: str, group_by: GroupBy, day_items: list[dict], open_items: dict[str, int]
) -> MetricsReport:
    """Folds the aggregate items of the range (any number per day and group value: the shards'
    items of one are summed like the days of a group) into the figures."""
    totals: Counter = Counter()
    groups: dict[str, Counter] = {}
    for item in day_items:
        key = item["period"] if group_by is GroupBy.DAY else item["value"]
        counters = {name: int(item.get(name, 0)) for name in COUNTERS}
        totals.update(counters)
        groups.setdefault(key, Counter()).update(counters)
    for value in open_items:
        if group_by is not GroupBy.DAY:
            groups.setdefault(value, Counter())
    return MetricsReport(
        from_=start,
        to=end,
        group_by=group_by,
        totals=MetricFigures.of(totals, sum(open_items.values())),
        groups=[
            MetricsGroup(key=key, **MetricFigures.of(c, None if group_by is GroupBy.DAY else open_items.get(key, 0)).model_dump())
            for key, c in sorted(groups.items())
        ],
    )
