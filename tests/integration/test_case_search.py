"""GET /cases filters and sorts through the real handler: each served combination is an index
query, pages are exact, and a combination no index serves is refused."""

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


@pytest.mark.parametrize(
    "query",
    [
        {"tag": "vip"},
        {"status": "open", "priority": "high"},
        {"templateId": "refund", "category": "billing"},
        {"sort": "updatedAt", "status": "open"},
        {"sort": "updatedAt", "createdFrom": "2026-01-01T00:00:00Z"},
        {"updatedFrom": "2026-01-01T00:00:00Z"},
    ],
)
def test_a_combination_no_index_serves_is_refused(api, query):
    response = api.list_cases(**query)
    assert response.status == 400 and response.body["code"] == "UNSUPPORTED_FILTER"
