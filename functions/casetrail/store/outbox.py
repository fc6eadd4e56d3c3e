"""The outbox: the audit-entity items (case and task audit records, rules' published events) of a
streamed table, each carrying the complete event of its change. The publisher reads them from the
table's stream (`event_detail_from_stream_image`); `OutboxReader` reads them back, found by when they
happened, to publish them again.

The publisher is a relay: it needs no knowledge of the models, so this module imports none.

This is a Scan, on purpose: it serves a rare recovery run by an operator (the publisher's retries
spent during a bus outage), never a request, and a time index over every tenant's audit records
would cost a write on every change of every case to save a read that almost never happens. It reads
the table page by page and keeps only audit items (the filter runs server-side, the time test here:
stored times are not all written in one text format, so they are compared as instants)."""

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from casetrail.store.dynamo import Table, deserialize

ENTITY_AUDIT = "AUDIT"  # the stream publisher's event source only receives inserts of these


def event_detail_from_stream_image(new_image: dict[str, Any]) -> dict[str, Any] | None:
    """The event detail an audit record's stream image carries (None for any other item), published
    as stored, whatever kind of change it records (case, related item, task...)."""
    item = deserialize(new_image)
    if item.get("entity") != ENTITY_AUDIT:
        return None
    return item["change"]


class OutboxReader:
    def __init__(self, table: Table):
        self._table = table

    @property
    def table_name(self) -> str:
        return self._table.name

    def details_between(self, start: datetime, end: datetime) -> Iterator[dict[str, Any]]:
        """The event details whose approximateChangeTime is within [start, end], in no order."""
        pages = self._table.client.get_paginator("scan").paginate(
            TableName=self._table.name,
            FilterExpression="entity = :audit",
            ExpressionAttributeValues={":audit": {"S": ENTITY_AUDIT}},
            ConsistentRead=True,
        )
        for page in pages:
            for item in page.get("Items", []):
                detail = deserialize(item)["change"]
                if start <= _instant(detail["approximateChangeTime"]) <= end:
                    yield detail


def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class CreatedCases:
    """The cases a tenant created in a period, read from their CASE.CREATED audit records: the
    source of truth for the audit commands (billing reconciliation, metrics rebuild), which an
    operator runs, never a request. A Scan, for the reason above; the API's reconciliation asks the
    search index instead (service/case_search.py)."""

    def __init__(self, table: Table):
        self._table = table

    def case_ids_created_in(self, tenant_id: str, month: str) -> Iterator[str]:
        return self._created(tenant_id, lambda created: created[:7] == month)

    def case_ids_created_between(self, tenant_id: str, first_day: str, last_day: str) -> Iterator[str]:
        return self._created(tenant_id, lambda created: first_day <= created[:10] <= last_day)

    def _created(self, tenant_id: str, within) -> Iterator[str]:
        pages = self._table.client.get_paginator("scan").paginate(
            TableName=self._table.name,
            FilterExpression="entity = :audit",
            ExpressionAttributeValues={":audit": {"S": ENTITY_AUDIT}},
        )
        for page in pages:
            for item in page.get("Items", []):
                detail = deserialize(item)["change"]
                if detail.get("eventType") != "CASE.CREATED" or detail.get("tenantId") != tenant_id:
                    continue
                created = _instant(detail["case"]["createdAt"]).astimezone(UTC).isoformat()
                if within(created):
                    yield detail["caseId"]
