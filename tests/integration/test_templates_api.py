"""Custom fields and templates through the real handler: defining them, opening and changing cases
with field values, and what audit and deactivation do."""

import pytest

from tests.integration.api_client import ApiClient

pytestmark = pytest.mark.usefixtures("aws")

ORDER = {"fieldId": "orderNumber", "name": "Order number", "type": "text"}
REASON = {"fieldId": "reason", "name": "Reason", "type": "singleSelect", "options": ["damaged", "late"]}
AMOUNT = {"fieldId": "amount", "name": "Amount", "type": "number"}
REFUND = {
    "templateId": "refund",
    "name": "Refund request",
    "fields": [{"fieldId": "orderNumber", "required": True}, {"fieldId": "reason", "defaultValue": "damaged"}, {"fieldId": "amount"}],
}


@pytest.fixture
def supervisor() -> ApiClient:
    client = ApiClient(principal_id="p-demo-sup", name="Sam Supervisor", role="supervisor")
    client.create_customer({"customerId": "cust-1", "name": "Dana"})
    for field in (ORDER, REASON, AMOUNT):
        assert client.create_field(field).status == 201
    assert client.create_template(REFUND).status == 201
    return client


@pytest.fixture
def agent() -> ApiClient:
    return ApiClient()


def _refund_case(api: ApiClient, **fields):
    return api.create_case({"title": "Refund", "customerId": "cust-1", "templateId": "refund", "fields": fields})


def test_anyone_reads_the_definitions_in_the_order_given(supervisor, agent):
    assert [f["fieldId"] for f in agent.list_fields().body["items"]] == ["amount", "orderNumber", "reason"]
    template = agent.list_templates().body["items"][0]
    assert [f["fieldId"] for f in template["fields"]] == ["orderNumber", "reason", "amount"]


def test_an_agent_cannot_define_fields_or_templates(supervisor, agent):
    assert agent.create_field({**ORDER, "fieldId": "other"}).status == 403
    assert agent.patch_template("refund", {"active": False}).status == 403


def test_a_field_id_is_defined_once(supervisor):
    response = supervisor.create_field(ORDER)
    assert response.status == 409


def test_a_template_naming_an_unknown_field_is_refused(supervisor):
    response = supervisor.create_template({"templateId": "t2", "name": "T2", "fields": [{"fieldId": "colour"}]})
    assert response.status == 422 and response.body["code"] == "INVALID_FIELD_VALUES"


def test_a_case_from_a_template_gets_its_defaults_and_shows_them_in_the_audit(supervisor, agent):
    created = _refund_case(agent, orderNumber="A-17")

    assert created.status == 201
    assert created.body["templateId"] == "refund"
    assert created.body["fields"] == {"orderNumber": "A-17", "reason": "damaged"}
    changes = {c["fieldId"]: c["newValue"] for c in agent.audit(created.body["caseId"]).body["items"][0]["changes"]}
    assert changes["fields.orderNumber"] == "A-17" and changes["fields.reason"] == "damaged"


@pytest.mark.parametrize("fields", [{}, {"orderNumber": "A-1", "reason": "lost"}, {"orderNumber": "A-1", "amount": "ten"}])
def test_a_case_breaking_its_template_is_refused_and_not_created(supervisor, agent, fields):
    response = _refund_case(agent, **fields)

    assert response.status == 422 and response.body["code"] == "INVALID_FIELD_VALUES"
    assert agent.list_cases().body["items"] == []


def test_a_case_from_an_unknown_template_is_refused(supervisor, agent):
    response = agent.create_case({"title": "Refund", "customerId": "cust-1", "templateId": "nope"})
    assert response.status == 422 and response.body["code"] == "UNKNOWN_REFERENCE"


def test_patching_fields_records_each_field_changed_with_old_and_new_values(supervisor, agent):
    case = _refund_case(agent, orderNumber="A-17").body

    patched = agent.patch_case(case["caseId"], {"fields": {"amount": 42, "reason": "late"}}, '"1"')

    assert patched.status == 200
    assert patched.body["fields"] == {"orderNumber": "A-17", "reason": "late", "amount": 42}
    last = agent.audit(case["caseId"]).body["items"][-1]
    assert {c["fieldId"]: (c["oldValue"], c["newValue"]) for c in last["changes"]} == {
        "fields.reason": ("damaged", "late"),
        "fields.amount": (None, 42),
    }


def test_a_patch_with_an_invalid_value_changes_nothing(supervisor, agent):
    case = _refund_case(agent, orderNumber="A-17").body

    response = agent.patch_case(case["caseId"], {"fields": {"orderNumber": None}}, '"1"')

    assert response.status == 422
    assert agent.get_case(case["caseId"]).body["version"] == 1


def test_deactivating_template_and_field_keeps_existing_cases_working_but_refuses_new_use(supervisor, agent):
    case = _refund_case(agent, orderNumber="A-17", amount=5).body
    supervisor.patch_template("refund", {"active": False})
    supervisor.patch_field("amount", {"active": False})

    assert agent.get_case(case["caseId"]).body["fields"]["amount"] == 5
    assert agent.patch_case(case["caseId"], {"fields": {"orderNumber": "A-18"}}, '"1"').status == 200
    assert agent.patch_case(case["caseId"], {"fields": {"amount": 6}}, '"2"').status == 422
    assert _refund_case(agent, orderNumber="A-19").status == 422
