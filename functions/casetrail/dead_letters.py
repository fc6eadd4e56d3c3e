"""Redrive: moves the messages of a consumer's dead-letter queue back to its source queue.

Receive, send, then delete (in batches of 10): a message is deleted from the DLQ only once SQS
has accepted its copy on the source queue, so a crash or a failed send loses nothing; at worst a
message is delivered twice, which the consumers absorb (they dedupe on the event id). SQS's own
StartMessageMoveTask does the same server-side, but moto (our test and `make run` emulation) does
not implement it; this works against both.
"""

from dataclasses import dataclass

BATCH = 10  # SQS's maximum per receive / send / delete call
# While a run holds a message it is invisible to others (and to the run's own next receive), so a
# message whose send failed is not taken twice in one run; it shows up again in the DLQ after this.
HOLD_SECONDS = 60


@dataclass(frozen=True)
class RedriveResult:
    moved: int
    failed: int  # sends SQS refused: left in the dead-letter queue


def redrive(sqs, *, dead_letter_url: str, source_url: str, max_messages: int | None = None, wait_seconds: int = 1) -> RedriveResult:
    moved = failed = 0
    while max_messages is None or moved + failed < max_messages:
        wanted = BATCH if max_messages is None else min(BATCH, max_messages - moved - failed)
        messages = sqs.receive_message(
            QueueUrl=dead_letter_url,
            MaxNumberOfMessages=wanted,
            VisibilityTimeout=HOLD_SECONDS,
            WaitTimeSeconds=wait_seconds,  # long polling asks every SQS server: an empty answer means empty
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            break
        sent = sqs.send_message_batch(QueueUrl=source_url, Entries=[_entry(i, m) for i, m in enumerate(messages)])
        accepted = [messages[int(s["Id"])] for s in sent.get("Successful", [])]
        if accepted:
            sqs.delete_message_batch(
                QueueUrl=dead_letter_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(accepted)],
            )
        moved += len(accepted)
        failed += len(messages) - len(accepted)
    return RedriveResult(moved=moved, failed=failed)


def _entry(index: int, message: dict) -> dict:
    entry = {"Id": str(index), "MessageBody": message["Body"]}
    if message.get("MessageAttributes"):
        entry["MessageAttributes"] = message["MessageAttributes"]
    return entry
