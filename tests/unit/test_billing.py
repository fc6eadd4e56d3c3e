"""Billing rules: what a month costs, what an event meters, and when a month reconciles."""

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from pydantic import ValidationError

from casetrail.domain.billing import Pricing, bill, month_of, reconcile, usage_record_of

PRICING = Pricing(unit_price="0.25", currency="USD", free_cases_per_month=10)


def test_cases_within_the_free_allowance_cost_nothing():
    summary = bill("2026-11", PRICING, cases=10, tasks=0)

    assert (summary.billable_units, summary.amount) == (0, Decimal("0.00"))


def test_each_case_beyond_the_allowance_costs_the_unit_price():
    summary = bill("2026-11", PRICING, cases=13, tasks=0)

    assert (summary.free_cases, summary.billable_units, summary.amount) == (10, 3, Decimal("0.75"))


@pytest.mark.parametrize("unit_price,cases,amount", [("0.125", 1, "0.12"), ("0.125", 3, "0.38"), ("0.005", 1, "0.00"), ("0.015", 1, "0.02")])
def test_the_amount_is_rounded_half_even_to_the_cent_once(unit_price, cases, amount):
    pricing = Pricing(unit_price=unit_price, currency="USD")

    assert bill("2026-11", pricing, cases=cases, tasks=0).amount == Decimal(amount)


def test_tasks_are_billed_only_when_they_have_a_price():
    priced = PRICING.model_copy(update={"task_unit_price": Decimal("0.05")})

    assert bill("2026-11", PRICING, cases=0, tasks=4).amount == Decimal("0.00")
    assert bill("2026-11", priced, cases=11, tasks=4).amount == Decimal("0.45")


@pytest.mark.parametrize(
    "pricing",
    [
        {"unitPrice": "-1", "currency": "USD"},
        {"unitPrice": "0.25", "currency": "usd"},
        {"unitPrice": "0.25", "currency": "USD", "freeCasesPerMonth": -1},
        {"unitPrice": "abc", "currency": "USD"},
        {"unitPrice": "0.25", "currency": "USD", "discount": "10%"},
    ],
)
def test_a_malformed_price_list_is_refused(pricing):
    with pytest.raises(ValidationError):
        Pricing.model_validate(pricing)


def test_the_month_is_the_utc_calendar_month_of_creation():
    just_before_midnight_utc = datetime(2026, 12, 1, 0, 30, tzinfo=timezone(timedelta(hours=1)))

    assert month_of(just_before_midnight_utc) == "2026-11"


def test_a_case_created_event_meters_its_case_in_its_creation_month():
    record = usage_record_of(
        {
            "eventId": "e-1",
            "eventType": "CASE.CREATED",
            "tenantId": "demo",
            "case": {"caseId": "c-1", "referenceNumber": "10009", "createdAt": "2026-11-30T23:59:59Z"},
        }
    )

    assert (record.case_id, record.reference_number, record.month, record.event_id) == ("c-1", "10009", "2026-11", "e-1")


def test_other_events_meter_nothing_and_a_malformed_case_created_is_an_error():
    assert usage_record_of({"eventId": "e-2", "eventType": "CASE.UPDATED"}) is None
    with pytest.raises(ValidationError):
        usage_record_of({"eventId": "e-3", "eventType": "CASE.CREATED", "case": {"caseId": "c-1"}})


def test_a_month_reconciles_only_when_records_cases_and_counter_agree():
    assert reconcile("2026-11", created={"a", "b"}, metered={"a", "b"}, counted=2).reconciled
    drifted = reconcile("2026-11", created={"a", "b"}, metered={"a", "b"}, counted=3)
    mismatched = reconcile("2026-11", created={"a", "b"}, metered={"b", "c"}, counted=2)

    assert not drifted.reconciled
    assert (mismatched.missing_case_ids, mismatched.extra_case_ids, mismatched.reconciled) == (["a"], ["c"], False)
