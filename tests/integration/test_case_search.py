"""GET /cases filters, free text and sorts through the real handler: one customer's, assignee's or
queue's cases come from their index, every other combination from the search index (fed here as
each change commits: tests/search_feed.py); pages are exact either way."""

import pytest

from tests.integration.api_client import ApiClient
from tests.integration.people import register_users

pytestmark = pytest.mark.usefixtures("aws")


@pytest.fixture
def api() -> ApiClient:
    supervisor = ApiClient(role="supervisor")
    supervisor.create_customer({"customerId": "cust-1", "name": "Dana"})
    supervisor.create_field({"fieldId": "orderNumber", "name": "Order", "type": "text"})
    supervisor.create_template({"templateId": "refund", "name": "Refund", "fields": [{"fieldId": "orderNumber"}]})
    register_users("p-7", "p-8")  # the agents cases are assigned to
    return ApiClient()


def _open(api: ApiClient, title: str, **extra) -> dict:
    response = api.create_case({"title": title, "customerId": "cust-1", **extra})
    assert response.status == 201
    return response.body


def _titles(response) -> list[str]:
    assert response.status == 200, response.body
    return [c["title"] for c in response.body["items"]]


def test_each_indexed_filter_finds_its_cases_newest_first(api):
    _open(api, "plain")
    _open(api, "refund 1", templateId="refund")
    _open(api, "urgent billing", priority="urgent", category="billing")
    _open(api, "refund 2", templateId="refund", category="billing")

    assert _titles(api.list_cases(templateId="refund")) == ["refund 2", "refund 1"]
    assert _titles(api.list_cases(category="billing")) == ["refund 2", "urgent billing"]
    assert _titles(api.list_cases(priority="urgent")) == ["urgent billing"]


def test_a_narrow_filter_combines_with_tag_and_the_wide_filters(api):
    _open(api, "mine tagged", assignee="p-7", tags=["vip"], priority="high")
    _open(api, "mine untagged", assignee="p-7", priority="high")
    _open(api, "mine tagged low", assignee="p-7", tags=["vip", "late"])
    _open(api, "other tagged", assignee="p-8", tags=["vip"])

    assert _titles(api.list_cases(assignee="p-7", tag="vip")) == ["mine tagged low", "mine tagged"]
    assert _titles(api.list_cases(assignee="p-7", tag="vip", priority="high")) == ["mine tagged"]


def test_a_created_range_is_inclusive_at_both_ends(api):
    first, second, third = (_open(api, name) for name in ("first", "second", "third"))

    found = api.list_cases(createdFrom=second["createdAt"], createdTo=third["createdAt"])
    assert _titles(found) == ["third", "second"]
    assert _titles(api.list_cases(createdTo=first["createdAt"])) == ["first"]


def test_sorting_by_update_puts_the_last_changed_first_and_ranges_on_it(api):
    older = _open(api, "older", assignee="p-7")
    _open(api, "newer", assignee="p-7")
    touched = api.patch_case(older["caseId"], {"priority": "high"}, '"1"').body

    assert _titles(api.list_cases(sort="updatedAt")) == ["older", "newer"]
    assert _titles(api.list_cases(sort="updatedAt", assignee="p-7", updatedFrom=touched["updatedAt"])) == ["older"]
    assert _titles(api.list_cases(sort="createdAt", assignee="p-7")) == ["newer", "older"]


def test_pages_of_a_filtered_search_cover_every_match_once(api):
    for n in range(5):
        _open(api, f"refund {n}", templateId="refund", assignee="p-7", tags=["vip"] if n % 2 else [])
    seen, token = [], None
    while True:
        query = {"assignee": "p-7", "templateId": "refund", "limit": "2"}
        page = api.list_cases(**query, **({"nextToken": token} if token else {}))
        seen += _titles(page)
        token = page.body.get("nextToken")
        if not token:
            break
    assert seen == [f"refund {n}" for n in range(4, -1, -1)]


def test_combinations_no_index_serves_are_answered_by_the_search_index(api):
    # Given cases that differ in status, priority, template, category, tags and times
    vip = _open(api, "vip open high", tags=["vip"], priority="high")
    _open(api, "refund billing", templateId="refund", category="billing")
    _open(api, "plain")
    api.patch_case(vip["caseId"], {"status": "in_progress"}, '"1"')

    # Then each combination finds exactly its cases, newest first by the order asked for
    assert _titles(api.list_cases(tag="vip")) == ["vip open high"]
    assert _titles(api.list_cases(status="in_progress", priority="high")) == ["vip open high"]
    assert _titles(api.list_cases(templateId="refund", category="billing")) == ["refund billing"]
    assert _titles(api.list_cases(sort="updatedAt", status="open")) == ["plain", "refund billing"]
    assert _titles(api.list_cases(sort="updatedAt", createdFrom=vip["createdAt"])) == ["vip open high", "plain", "refund billing"]
    assert _titles(api.list_cases(updatedFrom=vip["createdAt"], status="open")) == ["plain", "refund billing"]


def test_free_text_finds_words_in_titles_comments_and_transcripts_whatever_their_case(api):
    # Given a case whose comment mentions a parcel, one whose chat transcript mentions it, and one that does not
    commented = _open(api, "Where is my order")
    api.add_related_item(commented["caseId"], "comment", {"body": "The PARCEL left the depot on Monday."})
    chatted = _open(api, "Chat about delivery")
    transcript = "Customer: my parcel never arrived. Agent: I will open a claim."
    content = {"contactId": "chat-9", "channel": "CHAT", "direction": "INBOUND", "initiatedAt": "2026-11-25T09:00:00Z", "transcript": transcript}
    api.add_related_item(chatted["caseId"], "contact", content)
    _open(api, "Billing question")

    # When an agent searches for words
    # Then every case containing all of them is found, newest first
    assert _titles(api.list_cases(q="parcel")) == ["Chat about delivery", "Where is my order"]
    assert _titles(api.list_cases(q="Parcel claim")) == ["Chat about delivery"]
    assert _titles(api.list_cases(q="parcel", status="open", customerId="cust-1")) == ["Chat about delivery", "Where is my order"]
    assert _titles(api.list_cases(q="refund")) == []


def test_a_deleted_comment_is_no_longer_found_by_its_words(api):
    case = _open(api, "Quiet case")
    comment = api.add_related_item(case["caseId"], "comment", {"body": "secret zebra"}).body
    assert _titles(api.list_cases(q="zebra")) == ["Quiet case"]

    response = api.delete_comment(case["caseId"], comment["relatedItemId"])

    assert response.status == 204, response.body
    assert _titles(api.list_cases(q="zebra")) == []


def test_another_tenants_search_finds_nothing_of_ours(api):
    _open(api, "Ours: parcel lost", priority="urgent")

    intruder = ApiClient(tenant_id="acme")

    assert _titles(intruder.list_cases(q="parcel")) == []
    assert _titles(intruder.list_cases(priority="urgent")) == []


@pytest.mark.parametrize("q", ["!!!", "a b c d e f g h i j k"])
def test_free_text_without_words_or_with_too_many_is_a_clear_400(api, q):
    response = api.list_cases(q=q)
    assert response.status == 400 and response.body["code"] == "INVALID_REQUEST"


def test_a_search_page_token_continues_only_its_own_query(api):
    for n in range(3):
        _open(api, f"urgent {n}", priority="urgent")
    token = api.list_cases(priority="urgent", limit="1").body["nextToken"]

    assert api.list_cases(priority="urgent", limit="1", nextToken=token).status == 200
    assert api.list_cases(priority="high", limit="1", nextToken=token).body["code"] == "INVALID_REQUEST"
    assert ApiClient(tenant_id="acme").list_cases(priority="urgent", limit="1", nextToken=token).status == 400
