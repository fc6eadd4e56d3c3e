"""PutEvents for many entries: as few calls as EventBridge's limits allow (outbound/bus_entries.py),
and only the entries the bus refused sent again.

PutEvents answers per entry: a call can succeed while some of its entries fail (FailedEntryCount,
with an ErrorCode per failed entry, in the order sent). Those, and only those, are retried, so an
entry the bus accepted is never sent twice from here; what still fails is returned for the caller
to report (the stream publisher: as batch item failures, which Lambda retries).
"""

import time
from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError

from casetrail.outbound.bus_entries import put_events_requests

ATTEMPTS = 3  # per entry; the SDK's own retries of a failed call come on top
RETRY_PAUSE_SECONDS = 0.2  # doubled after each attempt


@dataclass(frozen=True)
class Refused:
    position: int  # in the entries given
    error_code: str
    error_message: str


def put_entries(events_client, entries: list[dict], pause=time.sleep) -> list[Refused]:
    """Sends every entry; returns those the bus still refused after ATTEMPTS, in order."""
    pending = list(range(len(entries)))
    refused: dict[int, Refused] = {}
    for attempt in range(ATTEMPTS):
        if attempt:
            pause(RETRY_PAUSE_SECONDS * 2 ** (attempt - 1))
        refused = {}
        for request in put_events_requests([entries[p] for p in pending]):
            positions = [pending[i] for i in request]
            refused.update(_put(events_client, entries, positions))
        pending = sorted(refused)
        if not pending:
            break
    return [refused[p] for p in pending]


def _put(events_client, entries: list[dict], positions: list[int]) -> dict[int, Refused]:
    try:
        response = events_client.put_events(Entries=[entries[p] for p in positions])
    except (ClientError, BotoCoreError) as error:  # the whole call failed: every entry of it
        code = error.response["Error"]["Code"] if isinstance(error, ClientError) else type(error).__name__
        return {p: Refused(p, code, str(error)) for p in positions}
    if not response.get("FailedEntryCount"):
        return {}
    return {
        position: Refused(position, result["ErrorCode"], result.get("ErrorMessage", ""))
        for position, result in zip(positions, response["Entries"], strict=True)
        if result.get("ErrorCode")
    }
