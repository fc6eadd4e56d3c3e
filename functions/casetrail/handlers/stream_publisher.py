"""Publishes each committed change to the EventBridge bus, from the cases table's stream.

The audit record written in the same transaction as the change is the outbox: if this function
fails, the stream keeps the record and Lambda retries it (bisecting the batch, then the DLQ), so a
crash between "saved" and "published" loses nothing. The event source mapping only delivers
inserts of audit records; anything else is ignored here too.

An event whose entry would not fit the bus (outbound/bus_entries.py) is claim-checked: its full
detail goes to S3 first (store/event_details.py) and the bus carries a trimmed detail with the
reference, so every change reaches every consumer whatever its size.
"""

from functools import cache

import boto3
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from casetrail.domain.events import trimmed_detail
from casetrail.observability import logger, metrics, tracer
from casetrail.outbound.bus_entries import INLINE_ENTRY_LIMIT, entry_size, event_entry
from casetrail.settings import get_settings
from casetrail.store.cases import event_detail_from_stream_image
from casetrail.store.event_details import store_detail

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


class PublishFailed(Exception):
    pass


@cache
def _events_client():
    return boto3.client("events")


def entry_for(detail: dict) -> dict:
    """The bus entry of an event: inline when it fits, else its trimmed, claim-checked form."""
    settings = get_settings()
    entry = event_entry(detail, settings.event_bus_name)
    size = entry_size(entry)
    if size <= INLINE_ENTRY_LIMIT:
        return entry
    claim_check = store_detail(settings.details_bucket(), detail)
    logger.info("Claim-checked", extra={"event_id": detail["eventId"], "entry_bytes": size, "detail_bytes": claim_check.bytes})
    metrics.add_metric(name="EventsClaimChecked", unit="Count", value=1)
    return event_entry(trimmed_detail(detail, claim_check), settings.event_bus_name)


def publish_record(record: DynamoDBRecord) -> None:
    raw_image = record.raw_event.get("dynamodb", {}).get("NewImage")
    detail = event_detail_from_stream_image(raw_image) if raw_image else None
    if detail is None:
        return
    response = _events_client().put_events(Entries=[entry_for(detail)])
    if response.get("FailedEntryCount"):
        failure = response["Entries"][0]
        raise PublishFailed(f"{failure.get('ErrorCode')}: {failure.get('ErrorMessage')}")
    logger.info(
        "Published",
        extra={"event_id": detail["eventId"], "event_type": detail["eventType"], "tenant_id": detail["tenantId"]},
    )
    metrics.add_metric(name="EventsPublished", unit="Count", value=1)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict, context: LambdaContext) -> dict:
    return process_partial_response(event=event, record_handler=publish_record, processor=processor, context=context)
