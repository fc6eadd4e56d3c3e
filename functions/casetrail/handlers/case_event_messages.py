"""The message every event consumer's SQS queue delivers: a Casetrail event from the bus, parsed by
Powertools (a message whose body is not such an event fails on its own, as a batch item failure)."""

from aws_lambda_powertools.utilities.parser.models import EventBridgeModel, SqsRecordModel
from pydantic import Json


class BusEvent(EventBridgeModel):
    account: str | None = None  # EventBridge always sets it; moto's copy (make run) has none


class CaseEventMessage(SqsRecordModel):
    body: Json[BusEvent]  # type: ignore[assignment]  (the envelope, parsed from the string body)
