"""The message every event consumer's SQS queue delivers: a Casetrail event from the bus, parsed by
Powertools (a message whose body is not such an event fails on its own, as a batch item failure).

A claim-checked event (too large for the bus) is resolved here, so every consumer sees the full
detail; reading or checking it failing fails the message alone, which SQS retries."""

from typing import Any

from aws_lambda_powertools.utilities.parser.models import EventBridgeModel, SqsRecordModel
from pydantic import Json, model_validator

from casetrail.store.event_details import full_detail


class BusEvent(EventBridgeModel):
    account: str | None = None  # EventBridge always sets it; moto's copy (make run) has none

    @model_validator(mode="before")
    @classmethod
    def _resolve_claim_check(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("detail"), dict):
            return {**data, "detail": full_detail(data["detail"])}
        return data


class CaseEventMessage(SqsRecordModel):
    body: Json[BusEvent]  # type: ignore[assignment]  (the envelope, parsed from the string body)
