"""Reindex: feeds the search consumer every case event again, from the audit records (the outbox).

For a new search collection, an index lost or rebuilt with another mapping, or a backfill before
a deployment that starts reading the index: it scans the cases table's audit records (an operator's
command, never a request), keeps those the search consumer indexes (of one tenant, if given), and
sends each to the consumer's own queue as the bus would deliver it. The consumer is idempotent and
orders by version, so this is safe while live events flow, resumable (run it again: what is indexed
stays), and observable (it prints what it sent; the queue's depth shows the backlog; failures go to
the consumer's dead-letter queue and alarm as for live events). An event too large for a message
is claim-checked exactly as the stream publisher does (the consumer reads it back from S3)."""

import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from casetrail.domain.events import trimmed_detail
from casetrail.outbound.bus_entries import INLINE_ENTRY_LIMIT, detail_json
from casetrail.search.event_types import INDEXED_EVENT_TYPES
from casetrail.store.cases import ENTITY_AUDIT
from casetrail.store.dynamo import Table, deserialize
from casetrail.topology import EVENT_DETAIL_TYPE, EVENT_SOURCE

SQS_BATCH = 10


@dataclass(frozen=True)
class ReindexResult:
    scanned: int
    sent: int
    claim_checked: int


def indexed_details(table: Table, tenant_id: str | None = None) -> Iterator[dict[str, Any]]:
    """Every audit record's event that the search consumer indexes, in no order."""
    pages = table.client.get_paginator("scan").paginate(
        TableName=table.name, FilterExpression="entity = :audit", ExpressionAttributeValues={":audit": {"S": ENTITY_AUDIT}}
    )
    for page in pages:
        for item in page.get("Items", []):
            detail = deserialize(item)["change"]
            if detail.get("eventType") in INDEXED_EVENT_TYPES and (tenant_id is None or detail.get("tenantId") == tenant_id):
                yield detail


def bus_message(detail: dict[str, Any]) -> str:
    """The SQS body the bus would deliver for this detail (an EventBridge event)."""
    return json.dumps(
        {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": EVENT_DETAIL_TYPE,
            "source": EVENT_SOURCE,
            "account": "reindex",
            "time": detail["approximateChangeTime"],
            "region": "reindex",
            "resources": [],
            "detail": detail,
        },
        ensure_ascii=False,
    )


def reindex(table: Table, sqs, queue_url: str, claim_check: Callable[[dict], Any], tenant_id: str | None = None) -> ReindexResult:
    scanned = sent = checked = 0
    batch: list[str] = []

    def flush() -> None:
        nonlocal sent
        if not batch:
            return
        answer = sqs.send_message_batch(QueueUrl=queue_url, Entries=[{"Id": str(i), "MessageBody": body} for i, body in enumerate(batch)])
        if answer.get("Failed"):
            raise RuntimeError(f"the queue refused {len(answer['Failed'])} messages: run reindex again")
        sent += len(batch)
        batch.clear()

    for detail in indexed_details(table, tenant_id):
        scanned += 1
        if len(detail_json(detail).encode()) > INLINE_ENTRY_LIMIT:
            detail = trimmed_detail(detail, claim_check(detail))
            checked += 1
        batch.append(bus_message(detail))
        if len(batch) == SQS_BATCH:
            flush()
    flush()
    return ReindexResult(scanned=scanned, sent=sent, claim_checked=checked)
