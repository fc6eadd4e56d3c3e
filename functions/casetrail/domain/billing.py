"""Pay-per-case billing: pricing, what a case event meters, a month's bill and its reconciliation.

Pure: no clock, no storage. Money is Decimal end to end (never float) and a bill's amount is
rounded once, at the end, half-even to the cent ("banker's rounding", as most ledgers do), so a
month's amount does not depend on the order in which units were counted.
"""

from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, StringConstraints

from casetrail.domain.model_base import CamelModel, CommandModel

CENT = Decimal("0.01")
# Months are calendar months in UTC, written as ISO 8601 "YYYY-MM".
Month = Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
Money = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=4)]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]


class Pricing(CommandModel):
    """A tenant's price list: the stack's default (CDK context) or the tenant's own."""

    unit_price: Money = Field(description="Price of one case beyond the free allowance")
    currency: Currency = Field(description="ISO 4217 code, e.g. USD")
    free_cases_per_month: int = Field(default=0, ge=0, description="Cases per month that cost nothing")
    task_unit_price: Money | None = Field(default=None, description="Price of one task; tasks are not metered when absent")


class UnitKind(StrEnum):
    CASE = "case"
    TASK = "task"


METERED_EVENT_TYPES = {"CASE.CREATED": UnitKind.CASE, "TASK.CREATED": UnitKind.TASK}


class UsageRecord(CamelModel):
    """One metered unit: a line of the bill."""

    kind: UnitKind
    case_id: str | None = Field(default=None, description="None for a standalone task")
    task_id: str | None = None
    reference_number: str | None = None
    created_at: datetime = Field(description="When the case (or task) was created: it decides the month")
    event_id: str = Field(description="The event that metered it")

    @property
    def month(self) -> str:
        return month_of(self.created_at)

    @property
    def unit_id(self) -> str:
        return self.task_id if self.kind is UnitKind.TASK else self.case_id


class _CaseCreated(CamelModel):
    class _Case(CamelModel):
        case_id: str
        reference_number: str | None = None
        created_at: datetime

    event_id: str
    case: _Case


class _TaskCreated(CamelModel):
    class _Task(CamelModel):
        task_id: str
        case_id: str | None = None  # a standalone task has no case, and is metered all the same
        created_at: datetime

    event_id: str
    task: _Task


def usage_record_of(detail: dict[str, Any]) -> UsageRecord | None:
    """What an event meters, or None for an event that meters nothing. A metered event without
    the fields billing needs raises (pydantic's ValidationError): it is a poison message."""
    kind = METERED_EVENT_TYPES.get(detail.get("eventType"))
    if kind is UnitKind.CASE:
        created = _CaseCreated.model_validate(detail)
        return UsageRecord(
            kind=kind,
            case_id=created.case.case_id,
            reference_number=created.case.reference_number,
            created_at=created.case.created_at,
            event_id=created.event_id,
        )
    if kind is UnitKind.TASK:
        created = _TaskCreated.model_validate(detail)
        return UsageRecord(
            kind=kind,
            case_id=created.task.case_id,
            task_id=created.task.task_id,
            created_at=created.task.created_at,
            event_id=created.event_id,
        )
    return None


def month_of(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m")


class UsageSummary(CamelModel):
    """GET /usage: a month's counts and what they cost."""

    month: Month
    cases_metered: int
    tasks_metered: int
    free_cases: int = Field(description="The free allowance that applied")
    billable_units: int = Field(description="Cases beyond the free allowance, plus tasks when tasks are priced")
    unit_price: Decimal
    task_unit_price: Decimal | None = None
    currency: str
    amount: Decimal = Field(description="Rounded half-even to the cent")


def bill(month: str, pricing: Pricing, *, cases: int, tasks: int) -> UsageSummary:
    billable_cases = max(0, cases - pricing.free_cases_per_month)
    billable_tasks = tasks if pricing.task_unit_price is not None else 0
    amount = billable_cases * pricing.unit_price + billable_tasks * (pricing.task_unit_price or Decimal(0))
    return UsageSummary(
        month=month,
        cases_metered=cases,
        tasks_metered=tasks,
        free_cases=min(cases, pricing.free_cases_per_month),
        billable_units=billable_cases + billable_tasks,
        unit_price=pricing.unit_price,
        task_unit_price=pricing.task_unit_price,
        currency=pricing.currency,
        amount=amount.quantize(CENT, rounding=ROUND_HALF_EVEN),
    )


# A reconciliation report lists at most this many ids of each kind (the counts are always exact).
MAX_LISTED_IDS = 100


class Reconciliation(CamelModel):
    """Whether a month's metered cases are exactly the cases created in that month."""

    month: Month
    cases_created: int = Field(description="Cases whose createdAt falls in the month")
    cases_metered: int = Field(description="Usage records of cases for the month")
    cases_counted: int = Field(description="The month's counter, which GET /usage bills")
    missing_case_ids: list[str] = Field(description="Created but not metered (first 100)")
    extra_case_ids: list[str] = Field(description="Metered but not created in the month (first 100)")
    reconciled: bool


def reconcile(month: str, *, created: set[str], metered: set[str], counted: int) -> Reconciliation:
    missing, extra = sorted(created - metered), sorted(metered - created)
    return Reconciliation(
        month=month,
        cases_created=len(created),
        cases_metered=len(metered),
        cases_counted=counted,
        missing_case_ids=missing[:MAX_LISTED_IDS],
        extra_case_ids=extra[:MAX_LISTED_IDS],
        reconciled=not missing and not extra and counted == len(metered),
    )
