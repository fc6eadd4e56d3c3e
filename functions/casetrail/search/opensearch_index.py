"""The deployed search engine: an OpenSearch (Serverless) index, spoken to through a Transport.

This module only translates: a document to what the index stores, a CaseQuery to the query DSL, the
answers back. It holds no AWS code (the signed HTTP transport is opensearch_transport.py), so the
contract suite runs it against an in-memory transport that executes this DSL subset.

- One index for every tenant; a document's id is "<tenant>#<case>" (identifiers never hold "#"),
  and every query carries a term filter on tenantId taken from the caller's tenant, never from input.
- Writes use optimistic concurrency (`if_seq_no`/`if_primary_term`, `_create` for a new document).
- Free text: a `match` filter per word on `text`, analysed like words.py (letters and digits,
  lowercased, accents folded); filters only, no scoring: results are newest first, as GET /cases.
- Times are sortable text (documents.sortable_instant) in keyword fields: ranges and `search_after`
  compare them as SQLite does, to the microsecond.
"""

from typing import Any, Protocol
from urllib.parse import quote

from casetrail.search.documents import CaseDocument
from casetrail.search.port import SORT_UPDATED, CaseQuery, DocumentChanged, SearchPage, StoredDocument

INDEX = "cases"
_KEYWORDS = ("tenantId", "caseId", "status", "priority", "category", "templateId", "queue", "assignee", "customerId", "tags", "createdAt", "updatedAt")
_FIELD = {
    "status": "status",
    "priority": "priority",
    "category": "category",
    "template_id": "templateId",
    "queue": "queue",
    "assignee": "assignee",
    "customer_id": "customerId",
}
INDEX_BODY: dict[str, Any] = {
    "settings": {
        "analysis": {
            "tokenizer": {"words": {"type": "pattern", "pattern": "[^\\p{L}\\p{N}]+"}},
            "analyzer": {"folded": {"type": "custom", "tokenizer": "words", "filter": ["lowercase", "asciifolding"]}},
        }
    },
    "mappings": {
        "dynamic": "strict",
        "properties": {
            **{name: {"type": "keyword"} for name in _KEYWORDS},
            "searchable": {"type": "boolean"},
            "text": {"type": "text", "analyzer": "folded"},
            "document": {"type": "object", "enabled": False},  # kept, never indexed
        },
    },
}
PAGE_FOR_CUSTOMER = 500


class Transport(Protocol):
    def send(self, method: str, path: str, body: dict[str, Any] | None = None, params: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
        """The status and the JSON body of one request to the collection (or domain) endpoint."""


class SearchUnavailable(Exception):
    """OpenSearch answered something other than the API promises (a 5xx, a refused request)."""


def document_id(tenant_id: str, case_id: str) -> str:
    return quote(f"{tenant_id}#{case_id}", safe="")


def source_of(document: CaseDocument) -> dict[str, Any]:
    return {
        "tenantId": document.tenant_id,
        "caseId": document.case_id,
        "searchable": document.searchable,
        **{field: getattr(document, name) for name, field in _FIELD.items()},
        "tags": document.tags,
        "createdAt": document.created_at,
        "updatedAt": document.updated_at,
        "text": document.text() if document.searchable else "",
        "document": document.model_dump(mode="json"),
    }


def query_body(query: CaseQuery) -> dict[str, Any]:
    sort_field = "updatedAt" if query.sort == SORT_UPDATED else "createdAt"
    filters: list[dict[str, Any]] = [{"term": {"tenantId": query.tenant_id}}, {"term": {"searchable": True}}]
    filters += [{"term": {_FIELD[name]: value}} for name, value in query.equals.items()]
    if query.tag is not None:
        filters.append({"term": {"tags": query.tag}})
    for field, low, high in (("createdAt", query.created_from, query.created_to), ("updatedAt", query.updated_from, query.updated_to)):
        bounds = {op: value for op, value in (("gte", low), ("lte", high)) if value is not None}
        if bounds:
            filters.append({"range": {field: bounds}})
    filters += [{"match": {"text": {"query": word}}} for word in query.words]
    body: dict[str, Any] = {
        "size": query.limit + 1,  # one more than a page: is there a next one?
        "_source": False,
        "track_total_hits": False,
        "query": {"bool": {"filter": filters}},
        "sort": [{sort_field: {"order": "desc"}}, {"caseId": {"order": "desc"}}],
    }
    if query.after is not None:
        body["search_after"] = list(query.after)
    return body


class OpenSearchIndex:
    def __init__(self, transport: Transport, index: str = INDEX):
        self._transport = transport
        self._index = index
        self._index_ready = False

    def ensure_index(self) -> None:
        """Creates the index with its mapping when it does not exist yet (idempotent)."""
        if self._index_ready:
            return
        status, _ = self._transport.send("HEAD", f"/{self._index}")
        if status == 404:
            status, answer = self._transport.send("PUT", f"/{self._index}", INDEX_BODY)
            if status >= 300 and "resource_already_exists" not in str(answer):
                raise SearchUnavailable(f"creating index {self._index}: {status}")
        self._index_ready = True

    def get(self, tenant_id: str, case_id: str) -> StoredDocument | None:
        status, answer = self._transport.send("GET", f"/{self._index}/_doc/{document_id(tenant_id, case_id)}")
        if status == 404:
            return None
        _require(status, answer, "get")
        document = CaseDocument.model_validate(answer["_source"]["document"])
        if document.tenant_id != tenant_id:  # cannot happen with our ids: refuse rather than leak
            return None
        return StoredDocument(document=document, revision=f"{answer['_seq_no']}:{answer['_primary_term']}")

    def put(self, document: CaseDocument, expected_revision: str | None) -> None:
        self.ensure_index()
        doc_id = document_id(document.tenant_id, document.case_id)
        if expected_revision is None:
            status, answer = self._transport.send("PUT", f"/{self._index}/_create/{doc_id}", source_of(document))
        else:
            seq_no, primary_term = expected_revision.split(":")
            params = {"if_seq_no": seq_no, "if_primary_term": primary_term}
            status, answer = self._transport.send("PUT", f"/{self._index}/_doc/{doc_id}", source_of(document), params)
        if status == 409:
            raise DocumentChanged(document.case_id)
        _require(status, answer, "put")

    def search(self, query: CaseQuery) -> SearchPage:
        status, answer = self._transport.send("POST", f"/{self._index}/_search", query_body(query))
        if status == 404:  # no document was ever indexed
            return SearchPage(case_ids=[], after=None)
        _require(status, answer, "search")
        hits = answer["hits"]["hits"]
        page = hits[: query.limit]
        after = tuple(page[-1]["sort"]) if len(hits) > query.limit else None
        return SearchPage(case_ids=[hit["sort"][1] for hit in page], after=after)  # type: ignore[arg-type]

    def customer_case_ids(self, tenant_id: str, customer_id: str) -> list[str]:
        case_ids: list[str] = []
        after = None
        while True:
            body: dict[str, Any] = {
                "size": PAGE_FOR_CUSTOMER,
                "_source": False,
                "query": {"bool": {"filter": [{"term": {"tenantId": tenant_id}}, {"term": {"customerId": customer_id}}]}},
                "sort": [{"caseId": {"order": "asc"}}],
            }
            if after is not None:
                body["search_after"] = after
            status, answer = self._transport.send("POST", f"/{self._index}/_search", body)
            if status == 404:
                return case_ids
            _require(status, answer, "search")
            hits = answer["hits"]["hits"]
            case_ids.extend(hit["sort"][0] for hit in hits)
            if len(hits) < PAGE_FOR_CUSTOMER:
                return case_ids
            after = hits[-1]["sort"]


def _require(status: int, answer: dict[str, Any], operation: str) -> None:
    if not 200 <= status < 300:
        # The error's type only: a reason may quote the document (a customer's words).
        error = answer.get("error")
        kind = error.get("type", "") if isinstance(error, dict) else ""
        raise SearchUnavailable(f"OpenSearch {operation}: {status} {kind}".strip())
