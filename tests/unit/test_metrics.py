"""Key metrics as pure functions: what a case's history contributes, and the FCR definition."""

from collections import Counter

from casetrail.domain.metrics import GroupBy, case_contribution, case_fact, difference, merge_fact, report

CREATED_AT = "2026-11-02T09:00:00Z"


def detail(event_type: str, version: int, at: str, status: str = "open", previous: str | None = None, **extra) -> dict:
    changes = [{"fieldId": "status", "oldValue": previous, "newValue": status}] if previous else []
    return {
        "eventId": f"e{version}",
        "eventType": event_type,
        "caseVersion": version,
        "approximateChangeTime": at,
        "tenantId": "demo",
        "caseId": "c1",
        "changes": changes,
        "case": {"createdAt": CREATED_AT, "status": status, "queue": "fraud", "category": None},
        **extra,
    }


def contact(version: int, channel: str = "CHAT", status: str = "open") -> dict:
    item = {"type": "contact", "content": {"channel": channel}}
    return detail("RELATED_ITEM.CREATED", version, "2026-11-02T09:05:00Z", status=status, relatedItem=item)


def figures(*details: dict, reopen_days: int = 7, group_by: GroupBy = GroupBy.DAY):
    facts: list[dict] = []
    for d in details:
        if (fact := case_fact(d)) is not None:
            facts = merge_fact(facts, fact)
    contribution = case_contribution(facts, reopen_days=reopen_days)
    items = [
        {"period": period, "value": value, counter: amount}
        for (dimension, period, value, counter), amount in contribution.items()
        if dimension == group_by.value and period != "current"
    ]
    open_items = {v: a for (d, p, v, c), a in contribution.items() if d == group_by.value and p == "current"}
    return report("2026-11-01", "2026-11-30", group_by, items, open_items).totals


CREATED = detail("CASE.CREATED", 1, CREATED_AT)


def resolved(version: int, at: str = "2026-11-02T10:00:00Z") -> dict:
    return detail("CASE.UPDATED", version, at, status="resolved", previous="open")


def reopened(version: int, at: str) -> dict:
    return detail("CASE.UPDATED", version, at, status="open", previous="resolved")


def test_a_case_resolved_after_one_chat_is_a_first_contact_resolution():
    totals = figures(CREATED, contact(2), resolved(3))

    assert (totals.cases_created, totals.cases_resolved, totals.open_cases) == (1, 1, 0)
    assert totals.first_contact_resolution_rate == 1.0
    assert totals.average_resolution_seconds == 3600
    assert totals.average_contacts_per_case == 1


def test_two_contacts_before_resolution_are_not_a_first_contact_resolution():
    assert figures(CREATED, contact(2), contact(3, "VOICE"), resolved(4)).first_contact_resolution_rate == 0


def test_a_case_resolved_with_no_contact_is_not_a_first_contact_resolution():
    assert figures(CREATED, resolved(2)).first_contact_resolution_rate == 0


def test_a_task_contact_does_not_count_towards_first_contact_resolution_but_counts_as_a_contact():
    totals = figures(CREATED, contact(2), contact(3, "TASK"), resolved(4))

    assert totals.first_contact_resolution_rate == 1.0
    assert totals.average_contacts_per_case == 2


def test_a_contact_after_the_resolution_does_not_change_it():
    assert figures(CREATED, contact(2), resolved(3), contact(4, status="resolved")).first_contact_resolution_rate == 1.0


def test_reopened_within_the_window_un_counts_the_first_contact_resolution():
    totals = figures(CREATED, contact(2), resolved(3), reopened(4, "2026-11-08T09:59:59Z"))

    assert totals.first_contact_resolution_rate == 0
    assert (totals.cases_reopened, totals.open_cases) == (1, 1)


def test_reopened_exactly_at_the_window_end_keeps_the_first_contact_resolution():
    assert figures(CREATED, contact(2), resolved(3), reopened(4, "2026-11-09T10:00:00Z")).first_contact_resolution_rate == 1.0


def test_the_window_is_configurable():
    history = (CREATED, contact(2), resolved(3), reopened(4, "2026-11-04T10:00:00Z"))

    assert figures(*history, reopen_days=1).first_contact_resolution_rate == 1.0
    assert figures(*history, reopen_days=7).first_contact_resolution_rate == 0


def test_a_second_resolution_after_a_late_reopen_is_not_a_first_contact_resolution():
    totals = figures(CREATED, contact(2), resolved(3), reopened(4, "2026-11-20T10:00:00Z"), resolved(5, "2026-11-21T10:00:00Z"))

    assert totals.cases_resolved == 2
    assert totals.first_contact_resolution_rate == 0.5  # the first resolution only


def test_order_and_duplicates_do_not_change_the_contribution():
    history = [CREATED, contact(2), resolved(3), reopened(4, "2026-11-03T10:00:00Z")]

    assert figures(*history) == figures(*reversed(history)) == figures(*history, *history)


def test_the_difference_is_what_moves_the_aggregates_from_the_old_to_the_new_contribution():
    before = case_contribution([case_fact(CREATED)], reopen_days=7)
    after = case_contribution(merge_fact([case_fact(CREATED)], case_fact(resolved(2))), reopen_days=7)

    delta = difference(after, before)

    assert delta[("day", "2026-11-02", "all", "casesResolved")] == 1
    assert delta[("day", "current", "all", "openCases")] == -1
    assert ("day", "2026-11-02", "all", "casesCreated") not in delta


def test_a_resolution_counts_on_the_day_it_happened_in_the_queue_it_was_in():
    late = resolved(2, "2026-11-05T10:00:00Z")
    late["case"]["queue"] = "billing"
    facts = merge_fact([case_fact(CREATED)], case_fact(late))

    contribution = case_contribution(facts, reopen_days=7)

    assert contribution[("queue", "2026-11-05", "billing", "casesResolved")] == 1
    assert contribution[("queue", "2026-11-02", "fraud", "casesCreated")] == 1
    assert contribution[("category", "2026-11-02", "(none)", "casesCreated")] == 1


def test_updates_metrics_do_not_depend_on_are_ignored():
    retitled = detail("CASE.UPDATED", 2, CREATED_AT)
    retitled["changes"] = [{"fieldId": "title", "oldValue": "a", "newValue": "b"}]

    assert case_fact(retitled) is None


def test_no_resolution_means_no_averages_rather_than_zero():
    totals = figures(CREATED)

    assert totals.average_resolution_seconds is None and totals.first_contact_resolution_rate is None
    assert totals.sla_met_rate is None


def test_the_sla_met_rate_is_met_over_completed_slas_on_the_day_they_completed():
    from casetrail.domain.metrics import by_bucket, counted_event_contribution

    completions = [detail(event, v, "2026-11-03T10:00:00Z") for v, event in enumerate(["SLA.MET", "SLA.MET", "SLA.NOT_MET"], start=5)]
    total = sum((counted_event_contribution(d) for d in completions), Counter())
    items = [{"period": p, "value": v, **counters} for (dim, p, v), counters in by_bucket(total).items() if dim == "day"]
    figures_of_the_day = report("2026-11-01", "2026-11-30", GroupBy.DAY, items, {})
    assert figures_of_the_day.totals.sla_met_rate == 0.6667
    assert figures_of_the_day.groups[0].key == "2026-11-03"
    # And with no SLA completed the rate is not a number
    assert figures(CREATED).sla_met_rate is None


# --- the in-order shortcut: a bounded summary instead of the whole history ---------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from casetrail.domain.metrics import appended, empty_summary  # noqa: E402

_STEPS = st.lists(
    st.tuples(
        st.sampled_from(["contact", "open", "in_progress", "pending_customer", "resolved", "closed", "queue"]),
        st.sampled_from(["VOICE", "CHAT", "EMAIL", "TASK"]),
        st.integers(min_value=1, max_value=60 * 24 * 12),  # minutes after the previous fact
        st.sampled_from(["fraud", "billing"]),
    ),
    max_size=25,
)


def _in_order_facts(steps) -> list[dict]:
    """A case's facts in version order from random steps (status moves the statuses allow)."""
    from datetime import datetime, timedelta

    from casetrail.domain.statuses import ALLOWED_TRANSITIONS, CaseStatus

    at, status, queue = datetime.fromisoformat(CREATED_AT), "open", "fraud"
    facts = [case_fact(detail("CASE.CREATED", 1, CREATED_AT))]
    for version, (step, channel, minutes, next_queue) in enumerate(steps, start=2):
        at += timedelta(minutes=minutes)
        base = {"approximateChangeTime": at.isoformat()}
        if step == "contact":
            fact = case_fact({**contact(version, channel, status=status), **base})
        elif step == "queue":
            queue = next_queue
            fact = case_fact({**detail("CASE.UPDATED", version, at.isoformat(), status=status, queue=None), "changes": [{"fieldId": "queue", "oldValue": None, "newValue": queue}]})
        elif CaseStatus(step) in ALLOWED_TRANSITIONS[CaseStatus(status)]:
            fact = case_fact(detail("CASE.UPDATED", version, at.isoformat(), status=step, previous=status))
            status = step
        else:
            continue
        fact["dims"] = {**fact["dims"], "queue": queue}
        facts.append(fact)
    return facts


@settings(max_examples=300, deadline=None)
@given(_STEPS, st.integers(min_value=1, max_value=10))
def test_adding_each_in_order_facts_difference_to_a_summary_gives_the_whole_contribution(steps, reopen_days):
    # Given any history of a case, its facts arriving in version order
    facts = _in_order_facts(steps)

    # When each fact's difference is computed from the summary of the facts before it only
    summary, total = empty_summary(), Counter()
    for fact in facts:
        summary, delta = appended(summary, fact, reopen_days=reopen_days)
        total.update(delta)

    # Then their sum is the case's contribution computed from its whole history
    assert Counter({k: v for k, v in total.items() if v}) == case_contribution(facts, reopen_days=reopen_days)
