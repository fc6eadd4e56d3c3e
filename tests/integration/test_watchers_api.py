"""Watching a case through the real handler on moto."""

import pytest

from tests.integration.api_client import ApiClient

pytestmark = pytest.mark.usefixtures("aws")


@pytest.fixture
def case_id() -> str:
    ApiClient().create_customer({"customerId": "cust-watch", "name": "Watch Customer"})
    return ApiClient().create_case({"title": "Watch me", "customerId": "cust-watch"}).body["caseId"]


def watch(api: ApiClient, case_id: str):
    return api.request("watch_case", path=f"/cases/{case_id}/watchers/me")


def watchers(api: ApiClient, case_id: str) -> list[str]:
    return [w["principalId"] for w in api.request("case_watchers", path=f"/cases/{case_id}/watchers").body["items"]]


def since_of(api: ApiClient, case_id: str, principal_id: str) -> str:
    items = api.request("case_watchers", path=f"/cases/{case_id}/watchers").body["items"]
    return next(w["since"] for w in items if w["principalId"] == principal_id)


def test_any_user_watches_once_and_can_stop(case_id):
    ana, ben = ApiClient(), ApiClient(principal_id="p-ben", name="Ben", role="agent")

    assert watch(ana, case_id).status == 200
    first_since = since_of(ana, case_id, "p-demo-agent")
    watch(ana, case_id)
    watch(ben, case_id)
    assert sorted(watchers(ana, case_id)) == ["p-ben", "p-demo-agent"]
    assert since_of(ana, case_id, "p-demo-agent") == first_since

    assert ben.request("unwatch_case", path=f"/cases/{case_id}/watchers/me").status == 204
    assert watchers(ana, case_id) == ["p-demo-agent"]


def test_watching_an_unknown_case_or_another_tenants_is_not_found(case_id):
    assert watch(ApiClient(), "no-such-case").status == 404
    assert watch(ApiClient(tenant_id="acme"), case_id).status == 404
