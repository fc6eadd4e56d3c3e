"""GET /cases: served by a kept DynamoDB index when one serves the search as it is (one customer's,
assignee's or queue's cases), else by the search engine, whose hits are read back from DynamoDB.

Reading the hits from the table keeps the answer the source of truth's: a case shows its current
fields, and a case deleted before the index caught up is left out. The index only decides which
cases and in which order: it is eventually consistent (README, "Templates, custom fields and search")."""

import json
from dataclasses import asdict
from datetime import UTC, datetime
from collections.abc import Callable, Iterator

from casetrail.domain.errors import InvalidRequest
from casetrail.search.documents import sortable_instant
from casetrail.search.port import CaseQuery, SearchIndex
from casetrail.search.words import MAX_WORDS, words_of
from casetrail.store import page_tokens
from casetrail.store.cases import CasePage, CaseRepository, CaseSearch, kept_index_for

# Reading every case of a period (billing reconciliation) goes by pages of this size.
_SCAN_PAGE = 500


class CaseFinder:
    def __init__(self, repository: CaseRepository, index: Callable[[], SearchIndex]):
        self._repository = repository
        self._engine = index  # asked on use: the engine (a connection) is made on the first search

    @property
    def _index(self) -> SearchIndex:
        return self._engine()

    def list_cases(self, tenant_id: str, search: CaseSearch, *, limit: int, next_token: str | None = None) -> CasePage:
        if kept_index_for(search) is not None:
            return self._repository.list_cases(tenant_id, search, limit=limit, next_token=next_token)
        query = search_query(tenant_id, search, limit)
        signed_for = _token_scope(query)
        if next_token is not None:
            try:
                position = page_tokens.decode(next_token, query=signed_for)
            except page_tokens.InvalidPageToken:
                raise InvalidRequest("nextToken is not a token this query returned") from None
            query = CaseQuery(**{**asdict(query), "after": (position["at"], position["caseId"])})
        page = self._index.search(query)
        cases = self._repository.get_many(tenant_id, page.case_ids)
        after = {"at": page.after[0], "caseId": page.after[1]} if page.after else None
        return CasePage(items=cases, next_token=page_tokens.encode(after, query=signed_for))

    def case_ids_created_in(self, tenant_id: str, month: str) -> Iterator[str]:
        """Every case of the tenant created in a UTC month ("YYYY-MM"), from the search index."""
        # Bounds compared as text: "…-31T23:59:59.999999Z" is past every instant of any month's last day.
        return self._created_between(tenant_id, f"{month}-01T00:00:00.000000Z", f"{month}-31T23:59:59.999999Z")

    def case_ids_created_between(self, tenant_id: str, first_day: str, last_day: str) -> Iterator[str]:
        return self._created_between(tenant_id, f"{first_day}T00:00:00.000000Z", f"{last_day}T23:59:59.999999Z")

    def _created_between(self, tenant_id: str, low: str, high: str) -> Iterator[str]:
        query = CaseQuery(tenant_id=tenant_id, created_from=low, created_to=high, limit=_SCAN_PAGE)
        while True:
            page = self._index.search(query)
            yield from page.case_ids
            if page.after is None:
                return
            query = CaseQuery(**{**asdict(query), "after": page.after})


def search_query(tenant_id: str, search: CaseSearch, limit: int) -> CaseQuery:
    words: tuple[str, ...] = ()
    if search.text is not None:
        words = tuple(dict.fromkeys(words_of(search.text)))
        if not words:
            raise InvalidRequest("q has no words to search for (letters or digits)")
        if len(words) > MAX_WORDS:
            raise InvalidRequest(f"q has more than {MAX_WORDS} words")
    return CaseQuery(
        tenant_id=tenant_id,
        equals=search.equalities(),
        tag=search.tag,
        created_from=_instant(search.created_from),
        created_to=_instant(search.created_to),
        updated_from=_instant(search.updated_from),
        updated_to=_instant(search.updated_to),
        words=words,
        sort=search.sort,
        limit=limit,
    )


def _instant(moment: datetime | None) -> str | None:
    return sortable_instant(moment if moment.tzinfo else moment.replace(tzinfo=UTC)) if moment else None


def _token_scope(query: CaseQuery) -> str:
    # A token continues only this tenant's query with these filters and this order (not its page size).
    scope = {k: v for k, v in asdict(query).items() if k not in ("limit", "after")}
    return "search\n" + json.dumps(scope, sort_keys=True, separators=(",", ":"))
