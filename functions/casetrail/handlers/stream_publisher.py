"""Publishes each committed change to the EventBridge bus, from the cases table's stream.

The audit record written in the same transaction as the change is the outbox: if this function
fails, the stream keeps the record and Lambda retries it (bisecting the batch, then the DLQ), so a
crash between "saved" and "published" loses nothing. The event source mapping only delivers
inserts of audit records; anything else is ignored here too.
"""

import json
from functools import cache

import boto3
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from casetrail.observability import logger, metrics, tracer
from casetrail.settings import get_settings
from casetrail.store.cases import event_detail_from_stream_image
from casetrail.topology import EVENT_DETAIL_TYPE, EVENT_SOURCE

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


class PublishFailed(Exception):
    pass


@cache
def _events_client():
    return boto3.client("events")


def event_entry(detail: dict, bus_name: str) -> dict:
    return {
        "Source": EVENT_SOURCE,
        "DetailType": EVENT_DETAIL_TYPE,
        "Detail": json.dumps(detail, separators=(",", ":")),
        "EventBusName": bus_name,
        "Time": detail["approximateChangeTime"],
    }


def publish_record(record: DynamoDBRecord) -> None:
    raw_image = record.raw_event.get("dynamodb", {}).get("NewImage")
    detail = event_detail_from_stream_image(raw_image) if raw_image else None
    if detail is None:
        return
    response = _events_client().put_events(Entries=[event_entry(detail, get_settings().event_bus_name)])
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
