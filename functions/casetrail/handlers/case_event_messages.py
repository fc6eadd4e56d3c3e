"""The message every event consumer's SQS queue delivers: a Casetrail event from the bus, parsed by
Powertools (a message whose body is not such an event fails on its own, as a batch item failure),
then let in by the one shared rule (service/event_intake.py) before the consumer sees its detail.

A claim-checked event (too large for the bus) is resolved here, so every consumer sees the full
detail; reading or checking it failing fails the message alone, which SQS retries."""

from functools import cache
from typing import Any, Literal

from aws_lambda_powertools.utilities.parser.models import EventBridgeModel, SqsRecordModel
from pydantic import Field, Json, model_validator

from casetrail.service.event_intake import EventIntake
from casetrail.settings import get_settings
from casetrail.store.access import AccessRepository
from casetrail.store.dynamo import Table
from casetrail.store.erasure import ForgottenCases
from casetrail.store.event_details import DetailGone, full_detail
from casetrail.topology import EVENT_DETAIL_TYPE, EVENT_SOURCE


class BusEvent(EventBridgeModel):
    source: Literal[EVENT_SOURCE]  # type: ignore[assignment]  (only Casetrail's own events)
    detail_type: Literal[EVENT_DETAIL_TYPE] = Field(alias="detail-type")  # type: ignore[assignment]
    account: str | None = None  # EventBridge always sets it; moto's copy (make run) has none

    @model_validator(mode="before")
    @classmethod
    def _resolve_claim_check(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("detail"), dict):
            try:
                return {**data, "detail": full_detail(data["detail"])}
            except DetailGone:
                # Its case was deleted: the trimmed detail goes on to the intake, which drops it.
                return data
        return data


class CaseEventMessage(SqsRecordModel):
    body: Json[BusEvent]  # type: ignore[assignment]  (the envelope, parsed from the string body)


@cache
def event_intake() -> EventIntake:
    settings = get_settings()
    forgotten = ForgottenCases(Table(settings.erasure_table_name)) if settings.erasure_table_name else None
    return EventIntake(AccessRepository(Table(settings.access_table_name)), forgotten)


def accepted_detail(record: CaseEventMessage) -> dict[str, Any] | None:
    """The event's detail once the shared rule let it in (else MalformedEvent: a batch item failure);
    None for an event of a deleted case, which the consumer must leave alone (a success)."""
    return event_intake().accept(record.body.detail)
