"""The search document of a case and how a case event changes it. Pure: no engine, no AWS.

One document per case holds what GET /cases filters and sorts on and the text free-text search
reads: the case's own text and the text of its related items (comment bodies, contact summaries and
transcripts, custom values, file names). Events arrive at least once and in any order, so every part
carries the version it came from and an older one never overwrites a newer one:
- the case's fields come from the `case` snapshot every CASE.* and RELATED_ITEM.* event carries,
  applied when its `caseVersion` is not older than the document's;
- a related item's text is kept per item with its `revision`; a deleted item leaves a tombstone
  (no text) that no late create or edit brings back;
- CASE.DELETED (and CUSTOMER.ERASED for every case of the customer) leaves a tombstone holding no
  data at all, never found by a query and never brought back by a late event.
"""

from datetime import UTC, datetime
from typing import Any

from pydantic import Field

from casetrail.domain.model_base import LazyModel
from casetrail.domain.cases import Case  # noqa: F401  (completes CaseChange's model: a change carries a case)
from casetrail.domain.events import CaseChange, ChangeType

from casetrail.search.event_types import CASE_DELETED, CUSTOMER_ERASED, INDEXED_EVENT_TYPES  # noqa: F401  (re-exported)


def sortable_instant(moment: datetime | str) -> str:
    """UTC, fixed width, microseconds: text order is time order, in SQLite and in OpenSearch alike."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class RelatedText(LazyModel):
    revision: int
    text: str | None = None  # None: the item was deleted (a tombstone)


class CaseDocument(LazyModel):
    tenant_id: str
    case_id: str
    case_version: int = 0  # of the snapshot the fields below came from; 0 = none yet
    deleted: bool = False
    reference_number: str | None = None
    title: str | None = None
    description: str | None = None
    status: str | None = None
    priority: str | None = None
    category: str | None = None
    template_id: str | None = None
    queue: str | None = None
    assignee: str | None = None
    customer_id: str | None = None
    tags: list[str] = Field(default_factory=list)
    created_at: str | None = None  # sortable_instant
    updated_at: str | None = None
    field_texts: list[str] = Field(default_factory=list)  # custom field values, as text
    related: dict[str, RelatedText] = Field(default_factory=dict)

    @property
    def searchable(self) -> bool:
        """Found by queries: not deleted, and its case's fields are known."""
        return not self.deleted and self.case_version > 0

    def text(self) -> str:
        """Everything free text matches, one text (words never span two parts: newlines part them)."""
        parts = [self.reference_number, self.title, self.description, self.category, *self.tags, *self.field_texts]
        parts += [related.text for related in self.related.values() if related.text]
        return "\n".join(part for part in parts if part)


def tombstone(tenant_id: str, case_id: str, case_version: int = 0) -> CaseDocument:
    return CaseDocument(tenant_id=tenant_id, case_id=case_id, case_version=case_version, deleted=True)


def apply_change(document: CaseDocument | None, change: CaseChange) -> CaseDocument | None:
    """The document after the change, or None when the change alters nothing (a duplicate, an
    older event than what the document holds, an event of a deleted case)."""
    if document is not None and document.deleted:
        return None
    current = document or CaseDocument(tenant_id=change.tenant_id, case_id=change.case_id)
    updated = current
    if change.case_version >= current.case_version:
        updated = updated.model_copy(update=_case_fields(change))
    if change.related_item is not None:
        updated = _with_related(updated, change)
    return None if updated == document else updated


def delete_case(document: CaseDocument | None, tenant_id: str, case_id: str) -> CaseDocument | None:
    """CASE.DELETED: the case keeps no data, and no late event brings it back (None if already so)."""
    if document is not None and document.deleted:
        return None
    return tombstone(tenant_id, case_id, document.case_version if document else 0)


def erase_customer(document: CaseDocument) -> CaseDocument | None:
    """CUSTOMER.ERASED: the case of that customer keeps no data (None if already a tombstone)."""
    return None if document.deleted else tombstone(document.tenant_id, document.case_id, document.case_version)


def _case_fields(change: CaseChange) -> dict[str, Any]:
    case = change.case
    return {
        "case_version": change.case_version,
        "reference_number": case.reference_number,
        "title": case.title,
        "description": case.description,
        "status": case.status.value,
        "priority": case.priority.value,
        "category": case.category,
        "template_id": case.template_id,
        "queue": case.queue,
        "assignee": case.assignee,
        "customer_id": case.customer_id,
        "tags": list(case.tags),
        "created_at": sortable_instant(case.created_at),
        "updated_at": sortable_instant(case.updated_at),
        "field_texts": [_as_text(value) for value in case.fields.values() if value is not None and not isinstance(value, bool)],
    }


def _with_related(document: CaseDocument, change: CaseChange) -> CaseDocument:
    item = change.related_item
    known = document.related.get(item.related_item_id)
    if known is not None and known.text is None:
        return document  # deleted for good
    deleting = change.event_type is ChangeType.RELATED_ITEM_DELETED
    if not deleting and known is not None and known.revision >= item.revision:
        return document  # this edit, or a newer one, is already in
    text = None if deleting else _related_text(item.content)
    return document.model_copy(update={"related": {**document.related, item.related_item_id: RelatedText(revision=item.revision, text=text)}})


def _related_text(content: dict[str, Any]) -> str:
    # Comment body, contact summary and transcript, file name, custom values: whatever a person wrote.
    parts = [content.get(name) for name in ("body", "summary", "transcript", "fileName")]
    parts += [value for value in (content.get("values") or {}).values() if isinstance(value, str)]
    return "\n".join(part for part in parts if isinstance(part, str) and part)


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)
