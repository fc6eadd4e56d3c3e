"""Feeds DynamoDB stream records to the event publisher, as the deployed event source mapping does:
the same filter, batches per shard in order, partial batch failures retried from the first failed
record, a bounded number of attempts, then the records are reported and skipped (the deployed
mapping sends them to its dead-letter queue)."""

import sys
import threading
import time
import traceback
from dataclasses import dataclass

from botocore.exceptions import ClientError

from casetrail.store.outbox import ENTITY_AUDIT
from local.background import BackgroundLoop
from local.lambda_runtime import LocalFunction

BATCH_SIZE = 100
EMPTY_POLL_SECONDS = 0.2
SHARD_DISCOVERY_SECONDS = 2.0
MAX_ATTEMPTS = 1 + 5  # the first try and the deployed mapping's retry_attempts
RETRY_DELAY_SECONDS = 0.2


def passes_publisher_filter(record: dict) -> bool:
    # The deployed mapping's filter: only new audit records (the outbox of case events) are events.
    new_image = record["dynamodb"].get("NewImage", {})
    return record["eventName"] == "INSERT" and new_image.get("entity", {}).get("S") == ENTITY_AUDIT


def to_lambda_record(record: dict, stream_arn: str) -> dict:
    """A GetRecords record (as boto3 parses it) -> the record of a Lambda DynamoDB stream event."""
    dynamodb = dict(record["dynamodb"])
    # boto3 parses the timestamp into a datetime; Lambda events carry epoch seconds.
    dynamodb["ApproximateCreationDateTime"] = int(dynamodb["ApproximateCreationDateTime"].timestamp())
    return {
        "eventID": record["eventID"],
        "eventName": record["eventName"],
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": record["awsRegion"],
        "dynamodb": dynamodb,
        "eventSourceARN": stream_arn,
    }


@dataclass
class _ShardCursor:
    stream_arn: str
    shard_id: str
    iterator: str | None
    last_sequence_number: str | None = None  # checkpoint to resume from if the iterator is lost


class StreamPoller(BackgroundLoop):
    def __init__(
        self, streams_client, stream_arns: tuple[str, ...], publisher: LocalFunction, stopping: threading.Event
    ):
        super().__init__("stream-poller", stopping)
        self._client = streams_client
        self._stream_arns = stream_arns
        self._publisher = publisher
        self._cursors: dict[tuple[str, str], _ShardCursor] = {}
        self._closed_shards: set[tuple[str, str]] = set()

    def _run(self) -> None:
        next_discovery = 0.0
        while not self._stopping.is_set():
            delivered = False
            try:
                if time.monotonic() >= next_discovery:
                    self._discover_shards()
                    next_discovery = time.monotonic() + SHARD_DISCOVERY_SECONDS
                delivered = any([self._poll(cursor) for cursor in list(self._cursors.values())])
            except Exception:
                if self._stopping.is_set():
                    return
                traceback.print_exc()
            if not delivered:
                self._stopping.wait(EMPTY_POLL_SECONDS)

    def _discover_shards(self) -> None:
        for stream_arn in self._stream_arns:
            for shard in self._client.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"]:
                key = (stream_arn, shard["ShardId"])
                if key not in self._cursors and key not in self._closed_shards:
                    cursor = _ShardCursor(stream_arn, shard["ShardId"], iterator=None)
                    self._cursors[key] = cursor

    def _poll(self, cursor: _ShardCursor) -> bool:
        """Reads and delivers one batch of the shard; True when it had records."""
        try:
            iterator = cursor.iterator or self._iterator(cursor)
            response = self._client.get_records(ShardIterator=iterator, Limit=BATCH_SIZE)
        except ClientError:
            cursor.iterator = None  # expired or invalid: resume from the checkpoint on the next poll
            raise
        records = response["Records"]
        if records:
            self._deliver(cursor.stream_arn, records)
            cursor.last_sequence_number = records[-1]["dynamodb"]["SequenceNumber"]
        cursor.iterator = response.get("NextShardIterator")
        if cursor.iterator is None:  # the shard is closed and fully read
            key = (cursor.stream_arn, cursor.shard_id)
            del self._cursors[key]
            self._closed_shards.add(key)
        return bool(records)

    def _iterator(self, cursor: _ShardCursor) -> str:
        position = {"ShardIteratorType": "TRIM_HORIZON"}
        if cursor.last_sequence_number:
            position = {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": cursor.last_sequence_number}
        return self._client.get_shard_iterator(StreamArn=cursor.stream_arn, ShardId=cursor.shard_id, **position)[
            "ShardIterator"
        ]

    def _deliver(self, stream_arn: str, records: list[dict]) -> None:
        batch = [to_lambda_record(r, stream_arn) for r in records if passes_publisher_filter(r)]
        for attempt in range(1, MAX_ATTEMPTS + 1):
            if not batch:
                return
            first_failed = self._first_failed_index(batch, attempt)
            if first_failed is None:
                return
            batch = batch[first_failed:]
            if attempt < MAX_ATTEMPTS and self._stopping.wait(RETRY_DELAY_SECONDS * attempt):
                return
        sequence_numbers = ", ".join(r["dynamodb"]["SequenceNumber"] for r in batch)
        print(
            f"stream: gave up on {len(batch)} record(s) after {MAX_ATTEMPTS} attempts "
            f"(sequence numbers {sequence_numbers}); deployed, they would go to the dead-letter queue",
            file=sys.stderr,
            flush=True,
        )

    def _first_failed_index(self, batch: list[dict], attempt: int) -> int | None:
        try:
            response = self._publisher.invoke({"Records": batch})
        except Exception as error:
            # The whole batch failed. The cause once, then one line per retry.
            if attempt == 1:
                traceback.print_exc()
            else:
                print(f"stream: attempt {attempt} of {MAX_ATTEMPTS} failed: {error!r}", file=sys.stderr, flush=True)
            return 0
        failed_ids = {f.get("itemIdentifier") for f in (response or {}).get("batchItemFailures") or []}
        if not failed_ids:
            return None
        failed_indexes = [i for i, r in enumerate(batch) if r["dynamodb"]["SequenceNumber"] in failed_ids]
        # An identifier that names no record of the batch fails the whole batch, as in Lambda.
        return min(failed_indexes) if len(failed_indexes) == len(failed_ids) else 0
