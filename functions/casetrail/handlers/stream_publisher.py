"""Publishes each committed change to the EventBridge bus, from the cases table's stream.

The audit record written in the same transaction as the change is the outbox: if this function
fails, the stream keeps the record and Lambda retries it (bisecting the batch, then the DLQ), so a
crash between "saved" and "published" loses nothing. The event source mapping only delivers
inserts of audit records; anything else is ignored here too.

A batch's events go out in as few PutEvents calls as the bus allows (10 entries, 256 KB a call:
outbound/event_bus.py); entries the bus refuses are retried alone, and those still refused are
reported as batch item failures, so Lambda retries from the first of them (at least once, never
lost). Powertools' BatchProcessor hands over one record at a time, which would mean one call per
event: the batch is handled whole here, answering in the same partial-response shape.

An event whose entry would not fit the bus is claim-checked (outbound/publishable_entries.py, as
republish does): its full detail goes to S3 first and the bus carries a trimmed detail with the
reference, so every change reaches every consumer whatever its size.

A relay: it imports none of the domain models (a test keeps it so), for a short cold start.
"""

from functools import cache

import boto3

from casetrail.observability import logger, metrics, tracer
from casetrail.outbound.event_bus import put_entries
from casetrail.outbound.publishable_entries import publishable_entry
from casetrail.settings import get_settings
from casetrail.store.outbox import event_detail_from_stream_image


class PublishFailed(Exception):
    pass


@cache
def _events_client():
    return boto3.client("events")


def entry_for(detail: dict) -> dict:
    """The bus entry of an event: inline when it fits, else its trimmed, claim-checked form."""
    settings = get_settings()
    publishable = publishable_entry(detail, settings.event_bus_name, settings.event_details_bucket_name)
    if publishable.claim_checked_bytes is not None:
        logger.info("Claim-checked", extra={"event_id": detail["eventId"], "entry_bytes": publishable.inline_bytes, "detail_bytes": publishable.claim_checked_bytes})
        metrics.add_metric(name="EventsClaimChecked", unit="Count", value=1)
    return publishable.entry


def publish_batch(records: list[dict]) -> list[str]:
    """Publishes the audit records' events; returns the sequence numbers of the records not published."""
    failed: list[str] = []
    to_send: list[tuple[str, dict, dict]] = []  # (sequence number, detail, entry)
    for record in records:
        stream_record = record.get("dynamodb", {})
        sequence_number = stream_record.get("SequenceNumber")
        try:
            image = stream_record.get("NewImage")
            detail = event_detail_from_stream_image(image) if image else None
            if detail is not None:
                to_send.append((sequence_number, detail, entry_for(detail)))
        except Exception:  # this record only (a claim check that failed, say): Lambda retries it
            logger.exception("Could not prepare the event of a stream record", extra={"sequence_number": sequence_number})
            failed.append(sequence_number)
    refused = put_entries(_events_client(), [entry for _, _, entry in to_send])
    refused_positions = {r.position for r in refused}
    for position, (sequence_number, detail, _) in enumerate(to_send):
        if position in refused_positions:
            failed.append(sequence_number)
            continue
        logger.info(
            "Published",
            extra={"event_id": detail["eventId"], "event_type": detail["eventType"], "tenant_id": detail["tenantId"]},
        )
    for refusal in refused:
        logger.error(
            "The bus refused an event",
            extra={"event_id": to_send[refusal.position][1]["eventId"], "error_code": refusal.error_code, "error": refusal.error_message},
        )
    published = len(to_send) - len(refused)
    if published:
        metrics.add_metric(name="EventsPublished", unit="Count", value=published)
    return failed


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict, context) -> dict:
    records = event.get("Records", [])
    failed = publish_batch(records)
    if records and len(failed) == len(records):
        # Nothing went out: fail the invocation, so Lambda retries and bisects the batch (as
        # Powertools' batch processing does when every record fails).
        raise PublishFailed(f"none of the {len(records)} records of the batch could be published")
    order = {record.get("dynamodb", {}).get("SequenceNumber"): i for i, record in enumerate(records)}
    return {"batchItemFailures": [{"itemIdentifier": s} for s in sorted(set(failed), key=order.__getitem__)]}
