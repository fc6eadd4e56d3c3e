"""Keeps the search index in step with case events (the search consumer's logic, pure of AWS).

Each event is read-modify-written with the engine's optimistic concurrency: two consumers working
on the same case at once cannot lose each other's change (the loser reads again and reapplies).
Replays, duplicates and late events are successes that change nothing (documents.apply_change)."""

from typing import Any

from casetrail.domain.events import CaseChange
from casetrail.search.documents import apply_change, delete_case, erase_customer
from casetrail.search.event_types import CASE_DELETED, CUSTOMER_ERASED, INDEXED_EVENT_TYPES
from casetrail.search.port import DocumentChanged, SearchIndex

MAX_ATTEMPTS = 10


class SearchFeed:
    def __init__(self, index: SearchIndex):
        self._index = index

    def apply(self, detail: dict[str, Any]) -> int:
        """Applies one event's detail; the number of documents it changed."""
        event_type = detail.get("eventType")
        if event_type == CUSTOMER_ERASED:
            return self._erase_customer(detail["tenantId"], detail["customerId"])
        if event_type == CASE_DELETED:  # an erasure event: ids only, no case snapshot
            return self._update(detail["tenantId"], detail["caseId"], lambda document: delete_case(document, detail["tenantId"], detail["caseId"]))
        if event_type not in INDEXED_EVENT_TYPES:
            return 0
        change = CaseChange.model_validate(detail)
        return self._update(change.tenant_id, change.case_id, lambda document: apply_change(document, change))

    def _erase_customer(self, tenant_id: str, customer_id: str) -> int:
        changed = 0
        for case_id in self._index.customer_case_ids(tenant_id, customer_id):
            changed += self._update(tenant_id, case_id, lambda document: erase_customer(document) if document else None)
        return changed

    def _update(self, tenant_id: str, case_id: str, change) -> int:
        for _ in range(MAX_ATTEMPTS):
            stored = self._index.get(tenant_id, case_id)
            updated = change(stored.document if stored else None)
            if updated is None:
                return 0
            try:
                self._index.put(updated, stored.revision if stored else None)
                return 1
            except DocumentChanged:
                continue
        raise DocumentChanged(f"case {case_id} kept changing while it was indexed: the message is retried")
