"""Customers through the real handler, on moto: creation, lookup, changes, their cases."""

import pytest

from tests.integration.api_client import ApiClient

pytestmark = pytest.mark.usefixtures("aws")

MARIA = {"name": "Maria Garcia", "phone": "+15551234567", "email": "Maria.Garcia@example.com"}


@pytest.fixture
def api() -> ApiClient:
    return ApiClient()


def test_a_created_customer_is_found_by_phone_and_by_email_in_any_case(api):
    created = api.create_customer(MARIA)

    assert created.status == 201 and created.body["email"] == "maria.garcia@example.com"
    customer_id = created.body["customerId"]
    assert [c["customerId"] for c in api.find_customers(phone="+15551234567").body["items"]] == [customer_id]
    assert [c["customerId"] for c in api.find_customers(email="MARIA.garcia@Example.com").body["items"]] == [customer_id]
    assert api.get_customer(customer_id).body == created.body


def test_an_unknown_phone_finds_nobody(api):
    api.create_customer(MARIA)

    assert api.find_customers(phone="+15559999999").body == {"items": []}


@pytest.mark.parametrize("query", [{}, {"phone": "+15551234567", "email": "a@b.co"}])
def test_a_lookup_needs_exactly_one_of_phone_or_email(api, query):
    response = api.find_customers(**query)

    assert response.status == 400 and response.body["code"] == "INVALID_REQUEST"


@pytest.mark.parametrize(("body", "field"), [({**MARIA, "phone": "555-1234"}, "phone"), ({**MARIA, "email": "maria"}, "email"), ({"phone": "+15551234567"}, "name")])
def test_a_malformed_customer_is_a_422_naming_the_field(api, body, field):
    response = api.create_customer(body)

    assert response.status == 422 and field in [issue["field"] for issue in response.body["fields"]]


def test_a_phone_belongs_to_one_customer_of_the_tenant(api):
    api.create_customer(MARIA)

    response = api.create_customer({"name": "Someone else", "phone": MARIA["phone"]})

    assert response.status == 409 and response.body["details"] == {"field": "phone"}
    assert MARIA["phone"] not in response.body["message"]
    assert ApiClient(tenant_id="acme").create_customer(MARIA).status == 201


def test_changing_a_phone_moves_the_lookup_and_frees_the_old_number(api):
    customer_id = api.create_customer(MARIA).body["customerId"]

    changed = api.patch_customer(customer_id, {"phone": "+442071234567"})

    assert changed.status == 200 and changed.body["version"] == 2
    assert api.find_customers(phone=MARIA["phone"]).body["items"] == []
    assert api.find_customers(phone="+442071234567").body["items"][0]["customerId"] == customer_id
    assert api.create_customer({"name": "New owner", "phone": MARIA["phone"]}).status == 201


def test_a_customer_of_another_tenant_is_not_found(api):
    customer_id = api.create_customer(MARIA).body["customerId"]
    intruder = ApiClient(tenant_id="acme")

    assert intruder.get_customer(customer_id).status == 404
    assert intruder.patch_customer(customer_id, {"name": "x"}).status == 404
    assert intruder.find_customers(phone=MARIA["phone"]).body["items"] == []


def test_a_case_for_an_unknown_customer_is_refused(api):
    response = api.create_case({"title": "Lost parcel", "customerId": "nobody"})

    assert response.status == 422 and response.body["code"] == "UNKNOWN_REFERENCE"
    assert response.body["details"] == {"customerId": "nobody"}


def test_moving_a_case_to_an_unknown_customer_is_refused(api):
    customer_id = api.create_customer(MARIA).body["customerId"]
    case_id = api.create_case({"title": "Lost parcel", "customerId": customer_id}).body["caseId"]

    response = api.patch_case(case_id, {"customerId": "nobody"}, if_match="1")

    assert response.status == 422 and api.get_case(case_id).body["customerId"] == customer_id


def test_a_customers_cases_are_listed_newest_first_and_by_status(api):
    customer_id = api.create_customer(MARIA).body["customerId"]
    other = api.create_customer({"name": "Other"}).body["customerId"]
    older = api.create_case({"title": "First", "customerId": customer_id}).body["caseId"]
    newer = api.create_case({"title": "Second", "customerId": customer_id}).body["caseId"]
    api.create_case({"title": "Not hers", "customerId": other})
    api.patch_case(older, {"status": "resolved"}, if_match="1")

    assert [c["caseId"] for c in api.customer_cases(customer_id).body["items"]] == [newer, older]
    assert [c["caseId"] for c in api.customer_cases(customer_id, status="open").body["items"]] == [newer]
    assert api.customer_cases("nobody").status == 404


def test_lookups_never_log_a_phone_or_email_in_full(api, caplog):
    api.create_customer(MARIA)

    with caplog.at_level("DEBUG", logger="casetrail"):
        api.find_customers(phone=MARIA["phone"])
        api.find_customers(email=MARIA["email"])

    logged = " ".join(str(r.__dict__) for r in caplog.records if r.name == "casetrail")
    assert "Customer lookup" in logged
    assert MARIA["phone"] not in logged and MARIA["email"].lower() not in logged.lower()
