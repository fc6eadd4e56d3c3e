"""A local consumer of every Casetrail event: one line per event on stdout, and the latest events
of each tenant kept in memory for GET /events/recent."""

import json
import threading
from collections import defaultdict, deque

EVENTS_KEPT_PER_TENANT = 200


class EventTap:
    def __init__(self):
        self._lock = threading.Lock()  # written by the tap's queue poller, read by HTTP threads
        self._recent: dict[str, deque] = defaultdict(lambda: deque(maxlen=EVENTS_KEPT_PER_TENANT))

    def handler(self, event: dict, context) -> dict:
        """An SQS-fed Lambda handler, like the deployed consumers."""
        for record in event["Records"]:
            envelope = json.loads(record["body"])
            detail = envelope.get("detail", {})
            with self._lock:
                self._recent[detail.get("tenantId", "")].append(envelope)
            print(describe(detail), flush=True)
        return {"batchItemFailures": []}

    def recent(self, tenant_id: str, limit: int) -> list[dict]:
        """The tenant's latest events, newest first."""
        with self._lock:
            events = list(self._recent.get(tenant_id, ()))
        return events[::-1][:limit]


def describe(detail: dict) -> str:
    # Identifiers and the agent's name only: the case itself may hold customer personal data.
    performed_by = detail.get("performedBy") or {}
    return (
        f"event {detail.get('eventType')} case={detail.get('caseId')} "
        f"v={detail.get('caseVersion')} by={performed_by.get('name')}"
    )


def print_notifications(event: dict, context) -> dict:
    """Prints what the notification topic would email (moto sends no email)."""
    for record in event["Records"]:
        message = json.loads(record["body"])
        print(f"email  {message.get('Subject')}: {message.get('Message')}", flush=True)
    return {"batchItemFailures": []}
