"""Republish: puts the events of audit records on the bus again, when the stream publisher could not.

When the publisher's retries are spent (a bus outage longer than its attempts), its event source
mapping sends the failed batch's *position* to the failed-batches queue (shard, sequence numbers,
arrival times; never the records). The audit records themselves are still in their table: this
finds those written in the batch's time window (or in a window an operator gives) and publishes
their details exactly as the publisher would (the same entries, claim-checked when too large for the
bus: outbound/publishable_entries.py; sent the same way: outbound/event_bus.py), same `eventId` included. So it is idempotent: every consumer dedupes on the event id (Billing on the case), and
publishing a few neighbours of the window again, or running twice, changes nothing downstream.
A failed-batches message is deleted only after every event of its window was accepted by the bus.
"""

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from casetrail.outbound.bus_entries import PUT_EVENTS_MAX_ENTRIES
from casetrail.outbound.event_bus import put_entries
from casetrail.outbound.publishable_entries import publishable_entry
from casetrail.store.outbox import OutboxReader

# A change's approximateChangeTime is taken just before its write reaches the stream: the window
# starts this much before the batch's first arrival (and ends as much after its last, for clock skew).
WINDOW_MARGIN = timedelta(minutes=1)
SQS_BATCH = 10
HOLD_SECONDS = 300  # a failed-batches message stays hidden while its window is republished


class RepublishFailed(Exception):
    pass


@dataclass(frozen=True)
class FailedBatch:
    """Where a batch the publisher gave up on lies: which table, and when its records arrived."""

    table_name: str
    first_arrival: datetime
    last_arrival: datetime

    @classmethod
    def of_message(cls, body: Mapping) -> "FailedBatch":
        """From Lambda's on-failure record of a DynamoDB stream batch (its DDBStreamBatchInfo)."""
        info = body["DDBStreamBatchInfo"]
        # arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>
        table_name = info["streamArn"].split(":table/", 1)[1].split("/stream/", 1)[0]
        return cls(table_name, _instant(info["approximateArrivalOfFirstRecord"]), _instant(info["approximateArrivalOfLastRecord"]))

    def window(self) -> tuple[datetime, datetime]:
        return self.first_arrival - WINDOW_MARGIN, self.last_arrival + WINDOW_MARGIN


@dataclass(frozen=True)
class Bus:
    """Where republished events go: the bus, and the bucket of the details too large for it."""

    events_client: object
    name: str
    details_bucket: str
    s3: object = None  # the claim checks' client (the default one when None)


def republish(bus: Bus, details: Iterable[dict]) -> int:
    """Publishes the details as the stream publisher does; returns how many. Raises when the bus
    refuses any (nothing is lost: the audit records stay, run it again)."""
    published, batch = 0, []
    for detail in details:
        batch.append(publishable_entry(detail, bus.name, bus.details_bucket, s3=bus.s3).entry)
        if len(batch) == PUT_EVENTS_MAX_ENTRIES:
            published += _put(bus.events_client, batch)
            batch = []
    if batch:
        published += _put(bus.events_client, batch)
    return published


def republish_window(bus: Bus, outbox: OutboxReader, start: datetime, end: datetime) -> int:
    return republish(bus, outbox.details_between(start, end))


@dataclass(frozen=True)
class FailedBatchesResult:
    batches: int
    republished: int


def republish_failed_batches(sqs, queue_url: str, bus: Bus, outboxes: Mapping[str, OutboxReader], max_messages: int | None = None, wait_seconds: int = 1) -> FailedBatchesResult:
    """Republishes the window of every failed-batches message, deleting each message once done."""
    batches = republished = 0
    while max_messages is None or batches < max_messages:
        wanted = SQS_BATCH if max_messages is None else min(SQS_BATCH, max_messages - batches)
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=wanted, VisibilityTimeout=HOLD_SECONDS, WaitTimeSeconds=wait_seconds).get("Messages", [])
        if not messages:
            break
        for message in messages:
            failed = FailedBatch.of_message(json.loads(message["Body"]))
            outbox = outboxes.get(failed.table_name)
            if outbox is None:
                raise RepublishFailed(f"the failed batch is of table {failed.table_name}, not one of this stack's streamed tables")
            republished += republish_window(bus, outbox, *failed.window())
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
            batches += 1
    return FailedBatchesResult(batches=batches, republished=republished)


def _put(events_client, entries: list[dict]) -> int:
    refused = put_entries(events_client, entries)
    if refused:
        codes = sorted({r.error_code for r in refused})
        raise RepublishFailed(f"the bus refused {len(refused)} of {len(entries)} events ({', '.join(codes)}); run again")
    return len(entries)


def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
