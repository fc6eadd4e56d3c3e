"""Feeds an SQS queue to a handler, as a Lambda SQS event source mapping with
ReportBatchItemFailures does: batches of up to 10, and only the messages the handler did not report
as failed are deleted (the others come back after the visibility timeout, then go to the DLQ)."""

import hashlib
import json
import threading
import traceback

from local.background import BackgroundLoop
from local.environment import ACCOUNT_ID, REGION
from local.lambda_runtime import LocalFunction

BATCH_SIZE = 10
WAIT_SECONDS = 1  # long-poll length; also how long a stop may wait for the poll in flight


def to_lambda_record(message: dict, queue_arn: str) -> dict:
    """A ReceiveMessage message -> the record of a Lambda SQS event."""
    body = _with_eventbridge_account(message["Body"])
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": body,
        "attributes": message.get("Attributes", {}),
        "messageAttributes": {
            name: {
                "stringValue": value.get("StringValue"),
                "binaryValue": value.get("BinaryValue"),
                "stringListValues": value.get("StringListValues", []),
                "binaryListValues": value.get("BinaryListValues", []),
                "dataType": value["DataType"],
            }
            for name, value in message.get("MessageAttributes", {}).items()
        },
        "md5OfBody": hashlib.md5(body.encode()).hexdigest(),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": REGION,
    }


def _with_eventbridge_account(body: str) -> str:
    # moto leaves `account` out of the event EventBridge delivers to SQS; AWS always sends it, and
    # parsers such as Powertools' EventBridgeModel require it.
    try:
        event = json.loads(body)
    except ValueError:
        return body
    if not isinstance(event, dict) or "detail-type" not in event or "account" in event:
        return body
    return json.dumps({**event, "account": ACCOUNT_ID})


class QueuePoller(BackgroundLoop):
    def __init__(
        self, sqs_client, queue_url: str, queue_arn: str, function: LocalFunction, stopping: threading.Event
    ):
        super().__init__(f"queue-poller:{function.name}", stopping)
        self._client = sqs_client
        self._queue_url = queue_url
        self._queue_arn = queue_arn
        self._function = function

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self._poll_once()
            except Exception:
                if self._stopping.is_set():
                    return
                traceback.print_exc()
                self._stopping.wait(WAIT_SECONDS)

    def _poll_once(self) -> None:
        messages = self._client.receive_message(
            QueueUrl=self._queue_url,
            MaxNumberOfMessages=BATCH_SIZE,
            WaitTimeSeconds=WAIT_SECONDS,
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            return
        records = [to_lambda_record(m, self._queue_arn) for m in messages]
        failed_ids = self._failed_message_ids(records)
        done = [r for r in records if r["messageId"] not in failed_ids]
        if done:
            self._client.delete_message_batch(
                QueueUrl=self._queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": r["receiptHandle"]} for i, r in enumerate(done)],
            )

    def _failed_message_ids(self, records: list[dict]) -> set[str]:
        try:
            response = self._function.invoke({"Records": records})
        except Exception:
            traceback.print_exc()
            return {r["messageId"] for r in records}
        failed_ids = {f.get("itemIdentifier") for f in (response or {}).get("batchItemFailures") or []}
        all_ids = {r["messageId"] for r in records}
        # An identifier that names no message of the batch fails the whole batch, as in Lambda.
        return failed_ids if failed_ids <= all_ids else all_ids
