"""What a caller hears about their case, and which statuses they may set themselves."""

from datetime import UTC, datetime

import pytest

from casetrail.domain.cases import Case
from casetrail.domain.errors import Forbidden
from casetrail.domain.self_service import customer_status_change, status_message
from casetrail.domain.statuses import CaseStatus

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


def case(status: str = "in_progress", title: str = "Billing dispute", category: str | None = None) -> Case:
    return Case(
        case_id="c-1", tenant_id="demo", reference_number="10009", title=title, category=category, customer_id="cust-1",
        status=status, version=1, created_at=NOW, updated_at=NOW, created_by="p", updated_by="p",
    )


def test_the_reference_is_spoken_digit_by_digit_with_the_subject_and_status():
    assert status_message(case(), next_task_name=None, next_task_due_at=None, now=NOW) == (
        "Your case 1 0 0 0 9 about a billing dispute is in progress."
    )


def test_the_category_names_the_subject_when_there_is_one_and_acronyms_keep_their_case():
    assert "about an invoice question is open" in status_message(case("open", category="Invoice question"), next_task_name=None, next_task_due_at=None, now=NOW)
    assert "about a VIP refund" in status_message(case(title="VIP refund"), next_task_name=None, next_task_due_at=None, now=NOW)


@pytest.mark.parametrize(
    ("due", "said"),
    [
        (datetime(2026, 3, 2, 17, 0, tzinfo=UTC), "A callback is scheduled for today."),
        (datetime(2026, 3, 3, 10, 0, tzinfo=UTC), "A callback is scheduled for tomorrow."),
        (datetime(2026, 3, 6, 10, 0, tzinfo=UTC), "A callback is scheduled for Friday."),
        (datetime(2026, 4, 14, 10, 0, tzinfo=UTC), "A callback is scheduled for April 14."),
        (datetime(2026, 2, 27, 10, 0, tzinfo=UTC), "A callback is overdue and our team has been alerted."),
    ],
)
def test_the_next_callback_is_said_relative_to_today(due, said):
    message = status_message(case(), next_task_name="Call the customer back", next_task_due_at=due, now=NOW)

    assert message == f"Your case 1 0 0 0 9 about a billing dispute is in progress. {said}"


def test_a_task_that_is_not_a_call_is_a_follow_up():
    message = status_message(case("pending_customer"), next_task_name="Check the invoice", next_task_due_at=datetime(2026, 3, 3, tzinfo=UTC), now=NOW)

    assert message.endswith("is waiting for information from you. A follow-up is scheduled for tomorrow.")


@pytest.mark.parametrize("current", ["open", "in_progress", "pending_customer"])
def test_a_caller_may_confirm_a_case_in_work_is_resolved(current):
    assert customer_status_change(CaseStatus(current), CaseStatus.RESOLVED) is CaseStatus.RESOLVED


def test_a_caller_may_reopen_a_resolved_case():
    assert customer_status_change(CaseStatus.RESOLVED, CaseStatus.OPEN) is CaseStatus.OPEN


@pytest.mark.parametrize(
    ("current", "requested"),
    [("open", "closed"), ("in_progress", "pending_customer"), ("closed", "open"), ("resolved", "closed"), ("open", "in_progress")],
)
def test_a_caller_may_not_set_other_statuses(current, requested):
    with pytest.raises(Forbidden):
        customer_status_change(CaseStatus(current), CaseStatus(requested))
