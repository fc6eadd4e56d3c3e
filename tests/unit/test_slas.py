"""SLAs on a case: policies assign them; status changes pause, complete and move them."""

from datetime import UTC, datetime, timedelta

from casetrail.domain.sla_clock import BusinessCalendar
from casetrail.domain.slas import SlaPolicy, SlaStatus, breached, event_type_for, new_slas, next_breach_at, with_status_change

ALWAYS_OPEN = BusinessCalendar()
URGENT = SlaPolicy(name="resolve-urgent", target_minutes=240, priority="urgent")
FRAUD = SlaPolicy(name="fraud-first-look", target_minutes=60, category="fraud", priority="urgent")
T0 = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)


def assigned(case: dict, *policies: SlaPolicy):
    return [with_status_change(sla, T0, case["status"], ALWAYS_OPEN) for sla in new_slas([], case, list(policies), T0)]


def test_policies_assign_slas_to_the_cases_they_match():
    case = {"status": "open", "priority": "urgent", "category": None}
    [sla] = assigned(case, URGENT, FRAUD)
    assert (sla.name, sla.status, sla.target_time) == ("resolve-urgent", SlaStatus.ACTIVE, T0 + timedelta(minutes=240))
    assert event_type_for(None, sla) == "SLA.ASSIGNED"
    # And a policy is assigned once: a case that still matches gets nothing new
    assert new_slas([sla], case, [URGENT], T0 + timedelta(hours=1)) == []


def test_waiting_on_the_customer_moves_the_target_and_the_next_breach():
    [sla] = assigned({"status": "open", "priority": "urgent"}, URGENT)
    paused = with_status_change(sla, T0 + timedelta(minutes=30), "pending_customer", ALWAYS_OPEN)
    assert paused.target_time is None and next_breach_at([paused]) is None
    resumed = with_status_change(paused, T0 + timedelta(minutes=90), "in_progress", ALWAYS_OPEN)
    assert resumed.target_time == T0 + timedelta(minutes=300)
    assert event_type_for(sla, resumed) == "SLA.UPDATED"


def test_the_same_status_change_applied_twice_or_late_gives_the_same_sla():
    [sla] = assigned({"status": "open", "priority": "urgent"}, URGENT)
    pause, resume = (T0 + timedelta(minutes=30), "pending_customer"), (T0 + timedelta(minutes=90), "open")
    in_order = with_status_change(with_status_change(sla, *pause, ALWAYS_OPEN), *resume, ALWAYS_OPEN)
    reversed_and_repeated = with_status_change(with_status_change(with_status_change(sla, *resume, ALWAYS_OPEN), *pause, ALWAYS_OPEN), *pause, ALWAYS_OPEN)
    assert in_order == reversed_and_repeated


def test_resolving_before_the_target_meets_the_sla_and_after_it_does_not():
    [sla] = assigned({"status": "open", "priority": "urgent"}, URGENT)
    met = with_status_change(sla, T0 + timedelta(minutes=239), "resolved", ALWAYS_OPEN)
    assert (met.status, met.completion_time, event_type_for(sla, met)) == (SlaStatus.MET, T0 + timedelta(minutes=239), "SLA.MET")
    late = with_status_change(sla, T0 + timedelta(minutes=241), "resolved", ALWAYS_OPEN)
    assert (late.status, event_type_for(sla, late)) == (SlaStatus.NOT_MET, "SLA.NOT_MET")
    # And a completed SLA no longer breaches nor counts for the next breach
    assert not breached(met, T0 + timedelta(days=1)) and next_breach_at([met]) is None


def test_an_sla_breaches_at_its_target_time_not_before():
    [sla] = assigned({"status": "open", "priority": "urgent"}, URGENT)
    assert not breached(sla, T0 + timedelta(minutes=239, seconds=59))
    assert breached(sla, T0 + timedelta(minutes=240))
