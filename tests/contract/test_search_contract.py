"""The search port's contract, run against every engine: SQLite FTS5 (`make run`, tests) and the
OpenSearch engine's translation over an in-memory OpenSearch (fake_opensearch.py). The same cases,
the same answers: filters, free text, order, pages, tenant isolation, concurrency, and the feed's
handling of duplicated, late and erasing events."""

import pytest

from casetrail.search.documents import CaseDocument, sortable_instant
from casetrail.search.feed import SearchFeed
from casetrail.search.opensearch_index import OpenSearchIndex
from casetrail.search.port import SORT_UPDATED, CaseQuery, DocumentChanged
from casetrail.search.sqlite_index import SqliteSearchIndex
from casetrail.search.words import words_of
from tests.contract.fake_opensearch import FakeOpenSearch
from tests.contract.search_events import case_deleted, case_event, erased, related_event

T = "demo"


@pytest.fixture(params=["sqlite", "opensearch"])
def engine(request):
    if request.param == "sqlite":
        index = SqliteSearchIndex(":memory:")
        yield index
        index.close()
    else:
        yield OpenSearchIndex(FakeOpenSearch())


@pytest.fixture
def feed(engine) -> SearchFeed:
    return SearchFeed(engine)


def ids(engine, **query) -> list[str]:
    return engine.search(CaseQuery(tenant_id=query.pop("tenant_id", T), **query)).case_ids


def at(minute: int) -> str:
    return f"2026-11-25T09:{minute:02d}:00Z"


def test_a_document_reads_back_as_stored_and_an_unknown_case_is_none(engine):
    document = CaseDocument(tenant_id=T, case_id="c1", case_version=1, title="Hello", created_at=sortable_instant(at(1)), updated_at=sortable_instant(at(1)))

    engine.put(document, None)

    assert engine.get(T, "c1").document == document
    assert engine.get(T, "c2") is None
    assert engine.get("acme", "c1") is None


def test_writes_are_refused_when_the_document_changed_since_it_was_read(engine):
    document = CaseDocument(tenant_id=T, case_id="c1", case_version=1)
    engine.put(document, None)
    first = engine.get(T, "c1")
    engine.put(document.model_copy(update={"case_version": 2}), first.revision)

    with pytest.raises(DocumentChanged):
        engine.put(document.model_copy(update={"case_version": 3}), first.revision)  # stale revision
    with pytest.raises(DocumentChanged):
        engine.put(document, None)  # "new" but it exists
    assert engine.get(T, "c1").document.case_version == 2


def test_each_filter_and_their_combinations_find_exactly_their_cases_newest_first(feed, engine):
    feed.apply(case_event(T, "a", 1, at=at(1), status="open", priority="high", category="billing", templateId="refund", queue="q1", assignee="p-7", customerId="cust-1"))
    feed.apply(case_event(T, "b", 1, at=at(2), status="open", priority="low", category="billing", queue="q2", customerId="cust-2"))
    feed.apply(case_event(T, "c", 1, at=at(3), status="resolved", priority="high", templateId="refund", assignee="p-7", customerId="cust-1"))

    assert ids(engine) == ["c", "b", "a"]
    assert ids(engine, equals={"status": "open"}) == ["b", "a"]
    assert ids(engine, equals={"priority": "high", "template_id": "refund"}) == ["c", "a"]
    assert ids(engine, equals={"category": "billing", "status": "open", "priority": "high"}) == ["a"]
    assert ids(engine, equals={"queue": "q2"}) == ["b"]
    assert ids(engine, equals={"assignee": "p-7", "customer_id": "cust-1", "status": "resolved"}) == ["c"]
    assert ids(engine, equals={"category": "nothing"}) == []


def test_a_tag_filter_finds_cases_having_that_tag_among_others(feed, engine):
    feed.apply(case_event(T, "a", 1, at=at(1), tags=["vip", "late"]))
    feed.apply(case_event(T, "b", 1, at=at(2), tags=["late"]))
    feed.apply(case_event(T, "c", 1, at=at(3)))

    assert ids(engine, tag="vip") == ["a"]
    assert ids(engine, tag="late") == ["b", "a"]
    assert ids(engine, tag="vi") == []


def test_time_ranges_are_inclusive_and_sort_by_the_order_asked(feed, engine):
    for n, name in enumerate("abcd", start=1):
        feed.apply(case_event(T, name, 1, at=at(n)))
    feed.apply(case_event(T, "a", 2, at=at(9), created_at=at(1)))  # a changed last

    assert ids(engine, created_from=sortable_instant(at(2)), created_to=sortable_instant(at(3))) == ["c", "b"]
    assert ids(engine, sort=SORT_UPDATED) == ["a", "d", "c", "b"]
    assert ids(engine, sort=SORT_UPDATED, updated_from=sortable_instant(at(4))) == ["a", "d"]
    assert ids(engine, sort=SORT_UPDATED, created_to=sortable_instant(at(2)), updated_to=sortable_instant(at(9))) == ["a", "b"]


def test_cases_of_the_same_instant_are_ordered_by_id_and_pages_cover_each_once(feed, engine):
    for name in ("e", "a", "d", "b", "c"):
        feed.apply(case_event(T, name, 1, at=at(5)))
    feed.apply(case_event(T, "z", 1, at=at(1)))

    seen, after = [], None
    while True:
        page = engine.search(CaseQuery(tenant_id=T, limit=2, after=after))
        seen += page.case_ids
        after = page.after
        if after is None:
            break

    assert seen == ["e", "d", "c", "b", "a", "z"]


def test_free_text_needs_every_word_in_any_text_of_the_case_whatever_its_case_or_accents(feed, engine):
    case_a = {"title": "Café order", "description": "Parcel damaged", "tags": ["fragile"], "fields": {"orderNumber": "A-17"}}
    feed.apply(case_event(T, "a", 1, at=at(1), **case_a))
    feed.apply(related_event(case_event(T, "a", 2, at=at(2), created_at=at(1), **case_a), "r1", {"body": "Courier confirmed the REFUND"}))
    feed.apply(case_event(T, "b", 1, at=at(3), title="Refund request"))
    feed.apply(related_event(case_event(T, "b", 2, at=at(4), created_at=at(3), title="Refund request"), "r2", {"contactId": "c", "channel": "CHAT", "direction": "INBOUND", "initiatedAt": at(4), "transcript": "the parcel is late"}, item_type="contact"))

    def found(text):
        return ids(engine, words=tuple(words_of(text)))

    assert found("refund") == ["b", "a"]
    assert found("parcel refund") == ["b", "a"]
    assert found("cafe courier") == ["a"]
    assert found("CAFÉ") == ["a"]
    assert found("fragile a 17") == ["a"]
    assert found("parcel late") == ["b"]
    assert found("refun") == []  # whole words, not prefixes
    assert ids(engine, words=("refund",), equals={"status": "open"}, sort=SORT_UPDATED) == ["b", "a"]


def test_another_tenant_sees_nothing_and_changes_nothing_of_ours(feed, engine):
    feed.apply(case_event(T, "same-id", 1, at=at(1), title="ours parcel", priority="urgent", customerId="cust-1"))
    feed.apply(case_event("acme", "same-id", 1, at=at(2), title="theirs", priority="low", customerId="cust-1"))
    feed.apply(case_event("acme", "same-id", 2, at=at(3), title="theirs changed", priority="low", customerId="cust-1"))
    feed.apply(erased("acme", "cust-1"))

    assert ids(engine, words=("parcel",)) == ["same-id"]
    assert ids(engine, tenant_id="acme") == []
    assert ids(engine, tenant_id="acme", words=("parcel",)) == []
    assert engine.get(T, "same-id").document.title == "ours parcel"
    assert engine.customer_case_ids(T, "cust-1") == ["same-id"]


def test_a_late_or_repeated_event_never_overwrites_a_newer_state(feed, engine):
    created = case_event(T, "a", 1, event_type="CASE.CREATED", at=at(1), status="open")
    resolved = case_event(T, "a", 2, at=at(2), created_at=at(1), status="resolved")

    assert feed.apply(resolved) == 1
    assert feed.apply(created) == 0  # older than the document
    assert feed.apply(resolved) == 0  # a duplicate

    assert ids(engine, equals={"status": "resolved"}) == ["a"]
    assert ids(engine, equals={"status": "open"}) == []


def test_an_edit_older_than_the_text_held_is_ignored_and_a_deleted_item_is_gone_for_good(feed, engine):
    base = case_event(T, "a", 2, at=at(2), title="Plain")
    feed.apply(related_event(base, "r1", {"body": "newer words"}, event_type="RELATED_ITEM.UPDATED", revision=2))
    feed.apply(related_event(base, "r1", {"body": "older words"}, event_type="RELATED_ITEM.CREATED", revision=1))
    assert ids(engine, words=("newer",)) == ["a"] and ids(engine, words=("older",)) == []

    feed.apply(related_event(base, "r1", {"body": "newer words"}, event_type="RELATED_ITEM.DELETED", revision=1))  # a delete always wins
    feed.apply(related_event(base, "r1", {"body": "newer words"}, event_type="RELATED_ITEM.UPDATED", revision=2))

    assert ids(engine, words=("newer",)) == []
    assert ids(engine, words=("plain",)) == ["a"]


def test_a_deleted_case_is_never_found_again_even_by_late_events(feed, engine):
    feed.apply(case_event(T, "a", 1, at=at(1), title="Secret parcel"))
    feed.apply(case_deleted(T, "a"))
    feed.apply(case_event(T, "a", 2, at=at(2), title="Secret parcel"))

    assert ids(engine) == []
    assert ids(engine, words=("secret",)) == []
    stored = engine.get(T, "a").document
    assert stored.deleted and stored.title is None  # a tombstone holds no data


def test_erasing_a_customer_removes_each_of_their_cases_and_only_theirs(feed, engine):
    feed.apply(case_event(T, "a", 1, at=at(1), customerId="cust-1", title="parcel a"))
    feed.apply(case_event(T, "b", 1, at=at(2), customerId="cust-1", title="parcel b"))
    feed.apply(case_event(T, "c", 1, at=at(3), customerId="cust-2", title="parcel c"))

    assert feed.apply(erased(T, "cust-1")) == 2

    assert ids(engine, words=("parcel",)) == ["c"]
    assert engine.customer_case_ids(T, "cust-1") == []
    assert feed.apply(case_event(T, "a", 2, at=at(4), customerId="cust-1")) == 0


class _RacingIndex:
    """The engine, with another consumer's write slipped in between a read and the write after it."""

    def __init__(self, engine, racing_event, feed_of_other):
        self._engine, self._event, self._other = engine, racing_event, feed_of_other

    def __getattr__(self, name):
        return getattr(self._engine, name)

    def put(self, document, expected_revision):
        if self._event is not None:
            event, self._event = self._event, None
            self._other.apply(event)
        return self._engine.put(document, expected_revision)


def test_two_consumers_indexing_one_case_at_once_lose_neither_change(feed, engine):
    base = case_event(T, "a", 1, at=at(1), title="Plain")
    feed.apply(base)
    racing = SearchFeed(_RacingIndex(engine, related_event(base, "r1", {"body": "first comment"}), feed))

    racing.apply(related_event(base, "r2", {"body": "second comment"}))

    assert ids(engine, words=("first",)) == ["a"]
    assert ids(engine, words=("second",)) == ["a"]
