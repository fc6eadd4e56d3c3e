"""The search port: what Casetrail asks of a search engine, whichever it is. Pure: no AWS.

Every method names the tenant and an engine answers only within it: a query never sees another
tenant's documents, a read or write of (tenant, case) never touches another tenant's case of the
same id. The shared contract suite (tests/contract/test_search_contract.py) holds every engine to
exactly these semantics.
"""

from dataclasses import dataclass, field
from typing import Protocol

from casetrail.search.documents import CaseDocument

SORT_CREATED = "createdAt"
SORT_UPDATED = "updatedAt"
# The filters a query may combine (equality on the document's field of the same name).
EQUALITY_FILTERS = ("status", "priority", "category", "template_id", "queue", "assignee", "customer_id")


class DocumentChanged(Exception):
    """The document changed (or appeared) since it was read: read it again and reapply."""


@dataclass(frozen=True)
class StoredDocument:
    document: CaseDocument
    revision: str  # opaque to callers: the engine's own optimistic-concurrency token


@dataclass(frozen=True)
class CaseQuery:
    """Cases of one tenant matching every filter given, newest first by `sort` (then case id)."""

    tenant_id: str
    equals: dict[str, str] = field(default_factory=dict)  # EQUALITY_FILTERS -> value
    tag: str | None = None
    created_from: str | None = None  # sortable instants (documents.sortable_instant), inclusive
    created_to: str | None = None
    updated_from: str | None = None
    updated_to: str | None = None
    words: tuple[str, ...] = ()  # free text: every word must occur in the case's text (any case)
    sort: str = SORT_CREATED
    limit: int = 25
    after: tuple[str, str] | None = None  # (sort value, case id) of the last hit of the previous page

    def __post_init__(self):
        unknown = set(self.equals) - set(EQUALITY_FILTERS)
        if unknown:
            raise ValueError(f"not a search filter: {sorted(unknown)}")
        if self.sort not in (SORT_CREATED, SORT_UPDATED):
            raise ValueError(f"not a sort order: {self.sort}")


@dataclass(frozen=True)
class SearchPage:
    case_ids: list[str]
    after: tuple[str, str] | None  # where the next page starts; None when this was the last


class SearchIndex(Protocol):
    def get(self, tenant_id: str, case_id: str) -> StoredDocument | None: ...

    def put(self, document: CaseDocument, expected_revision: str | None) -> None:
        """Stores the document if it is still at `expected_revision` (None: if there is none yet);
        DocumentChanged otherwise."""

    def search(self, query: CaseQuery) -> SearchPage: ...

    def customer_case_ids(self, tenant_id: str, customer_id: str) -> list[str]:
        """Every live document of a customer's cases (CUSTOMER.ERASED tombstones them)."""
