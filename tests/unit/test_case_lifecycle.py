"""The case domain: pure functions, no AWS."""

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from casetrail.domain.cases import CasePatch, NewCase, open_case, update_case
from casetrail.domain.errors import InvalidTransition
from casetrail.domain.identity import Principal, Role
from casetrail.domain.statuses import ALLOWED_TRANSITIONS, CaseStatus

AGENT = Principal(tenant_id="demo", principal_id="p-1", name="Ana", role=Role.AGENT)
T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def new_case(**fields):
    command = NewCase.model_validate({"title": "Billing dispute", "customerId": "cust-1", **fields})
    return open_case(command, case_id="case-1", reference_number="10009", by=AGENT, at=T0).case


def patch(case, at=T0 + timedelta(minutes=5), **fields):
    return update_case(case, CasePatch.model_validate(fields), by=AGENT, at=at)


def test_a_new_case_is_open_at_version_one_and_its_creation_lists_every_set_field():
    change = open_case(NewCase(title="Bill", customer_id="c-1", tags=["a", "a", "b"]), case_id="x", reference_number="10009", by=AGENT, at=T0)

    assert change.case.status is CaseStatus.OPEN and change.case.version == 1
    assert change.case.tags == ["a", "b"]
    assert change.event_type == "CASE.CREATED" and change.case_version == 1
    assert {"title", "customerId", "status", "priority", "tags"} <= set(change.changed_field_ids)
    assert all(c.old_value is None for c in change.changes)


def test_an_update_records_each_changed_field_with_old_and_new_value():
    change = patch(new_case(priority="low"), priority="urgent", assignee="ana")

    assert change.case.version == 2 and change.case.updated_at == T0 + timedelta(minutes=5)
    assert [(c.field_id, c.old_value, c.new_value) for c in change.changes] == [
        ("priority", "low", "urgent"),
        ("assignee", None, "ana"),
    ]


def test_null_clears_an_optional_field():
    change = patch(new_case(assignee="ana"), assignee=None)

    assert change.case.assignee is None
    assert [(c.field_id, c.old_value, c.new_value) for c in change.changes] == [("assignee", "ana", None)]


def test_a_patch_that_changes_nothing_is_no_change():
    assert patch(new_case(priority="high"), priority="high") is None


@pytest.mark.parametrize("fields", [{}, {"title": None}, {"status": None}, {"version": 3}, {"tenantId": "acme"}])
def test_patches_that_would_break_a_case_are_invalid(fields):
    with pytest.raises(ValidationError):
        CasePatch.model_validate(fields)


@pytest.mark.parametrize("current", list(CaseStatus))
@pytest.mark.parametrize("target", list(CaseStatus))
def test_status_transitions_follow_the_table(current, target):
    case = new_case().model_copy(update={"status": current})
    if current == target:
        assert patch(case, status=target.value) is None
    elif target in ALLOWED_TRANSITIONS[current]:
        assert patch(case, status=target.value).case.status is target
    else:
        with pytest.raises(InvalidTransition):
            patch(case, status=target.value)


def test_a_closed_case_is_final():
    assert ALLOWED_TRANSITIONS[CaseStatus.CLOSED] == frozenset()


def test_resolving_stamps_resolved_at_and_reopening_counts_and_clears_it():
    resolved = patch(new_case(), status="resolved").case
    assert resolved.resolved_at == T0 + timedelta(minutes=5)

    reopened = patch(resolved, at=T0 + timedelta(days=1), status="open").case

    assert reopened.reopen_count == 1 and reopened.resolved_at is None


def test_moving_between_working_statuses_is_not_a_reopen():
    case = patch(new_case(), status="pending_customer").case

    assert patch(case, status="in_progress").case.reopen_count == 0


def test_each_change_has_its_own_event_id():
    case = new_case()
    assert patch(case, priority="low").event_id != patch(case, priority="high").event_id
