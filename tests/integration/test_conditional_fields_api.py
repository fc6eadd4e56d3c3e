"""Conditional fields through the real handler, on the demo tenant's declared `refund` template
(config/templates.json): a form's test, and the rules kept on create and on every change."""

import pytest

from tests.integration.api_client import ApiClient
from tests.integration.templates_support import load_demo_templates

pytestmark = pytest.mark.usefixtures("aws")


@pytest.fixture
def api() -> ApiClient:
    load_demo_templates()
    client = ApiClient()
    client.create_customer({"customerId": "cust-1", "name": "Dana"})
    return client


def _post(api: ApiClient, path: str, body: dict):
    return api.request("create_case", path=path, body=body, headers={"Idempotency-Key": None})


def _refund(api: ApiClient, **fields):
    return api.create_case({"title": "Refund", "customerId": "cust-1", "templateId": "refund", "fields": {"orderNumber": "A-1", **fields}})


def test_the_template_shows_its_rules_so_a_form_can_render_them(api):
    detail = next(f for f in api.request("get_case", path="/templates/refund").body["fields"] if f["fieldId"] == "detail")

    assert detail["optionsFrom"]["parentFieldId"] == "reason"
    assert detail["hiddenWhen"] == {"orAll": [{"equalTo": {"fieldId": "reason", "value": "wrong item"}}, {"equalTo": {"fieldId": "reason", "value": "other"}}]}


def test_testing_a_sample_answers_required_hidden_and_offered_and_stores_nothing(api):
    answer = _post(api, "/templates/refund/test", {"fields": {"reason": "damaged", "detail": "carrier delay"}})

    assert answer.status == 200
    assert "receiptUrl" in answer.body["required"] and answer.body["hidden"] == []
    assert answer.body["options"] == {"detail": ["broken", "scratched", "missing parts"]}
    assert answer.body["rules"] == ["detail.optionsFrom", "receiptUrl.requiredWhen"]
    assert api.list_cases().body["items"] == []


def test_testing_an_unknown_template_is_a_404(api):
    assert _post(api, "/templates/nope/test", {}).status == 404


def test_a_new_case_breaking_a_rule_is_refused_naming_rule_and_field(api):
    refused = _refund(api, reason="damaged")

    assert refused.status == 422 and refused.body["code"] == "INVALID_FIELD_VALUES"
    assert refused.body["details"]["rules"] == ["receiptUrl.requiredWhen"]
    assert "receiptUrl" in refused.body["details"]["fields"]


def test_a_value_on_a_hidden_field_is_refused(api):
    refused = _refund(api, reason="other", detail="broken")

    assert refused.status == 422 and refused.body["details"]["rules"] == ["detail.hiddenWhen"]


def test_a_change_is_checked_on_the_case_after_it(api):
    case = _refund(api, reason="late", detail="carrier delay").body

    to_damaged = api.patch_case(case["caseId"], {"fields": {"reason": "damaged"}}, '"1"')
    assert to_damaged.status == 422
    assert to_damaged.body["details"]["rules"] == ["detail.optionsFrom", "receiptUrl.requiredWhen"]

    fixed = api.patch_case(case["caseId"], {"fields": {"reason": "damaged", "detail": "broken", "receiptUrl": "https://example.com/r/1"}}, '"1"')
    assert fixed.status == 200 and fixed.body["version"] == 2


def test_a_status_change_is_checked_against_rules_reading_the_status(api):
    case = _refund(api, goodwill=True).body

    refused = api.patch_case(case["caseId"], {"status": "resolved"}, '"1"')
    assert refused.status == 422 and refused.body["details"]["rules"] == ["approvedBy.requiredWhen"]

    resolved = api.patch_case(case["caseId"], {"status": "resolved", "fields": {"approvedBy": "p-demo-sup"}}, '"1"')
    assert resolved.status == 200


def test_a_template_with_a_rule_on_an_unknown_field_is_refused(api):
    supervisor = ApiClient(principal_id="p-demo-sup", name="Sam", role="supervisor")
    refused = supervisor.create_template(
        {"templateId": "t2", "name": "T2", "fields": [{"fieldId": "receiptUrl", "hiddenWhen": {"equalTo": {"fieldId": "colour", "value": "red"}}}]}
    )

    assert refused.status == 422 and "rule receiptUrl.hiddenWhen" in refused.body["details"]["fields"]["receiptUrl"]
