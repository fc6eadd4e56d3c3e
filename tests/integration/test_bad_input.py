"""Ordinary bad input gets a clear 4xx, never a 500: media types, JSON the API cannot store, dates
at the edge of the calendar, edited page tokens, absurd If-Match values, loose types."""

import base64
import json

import pytest

from tests.integration.api_client import ApiClient

pytestmark = pytest.mark.usefixtures("aws")

NEW_CASE = {"title": "Billing dispute", "customerId": "cust-1"}
EDGE_INSTANTS = ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"]


@pytest.fixture
def api() -> ApiClient:
    client = ApiClient(principal_id="p-demo-sup", name="Sam Supervisor", role="supervisor")
    assert client.create_customer({"customerId": "cust-1", "name": "Dana"}).status == 201
    return client


def _create_case_as(api: ApiClient, content_type: str | None, raw_body: str):
    return api.request("create_case", raw_body=raw_body, headers={"Content-Type": content_type, "Idempotency-Key": None})


@pytest.mark.parametrize("content_type", ["application/json", "Application/JSON", "application/json; charset=utf-8", None])
def test_json_is_accepted_whatever_the_case_or_parameters_of_its_media_type(api, content_type):
    response = _create_case_as(api, content_type, json.dumps(NEW_CASE))

    assert response.status == 201


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/xml", "application/merge-patch+json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"],
)
def test_any_other_media_type_is_415(api, content_type):
    response = _create_case_as(api, content_type, json.dumps(NEW_CASE))

    assert response.status == 415
    assert response.body["code"] == "UNSUPPORTED_MEDIA_TYPE"
    assert api.list_cases().body["items"] == []


@pytest.mark.parametrize(
    "raw_body",
    [
        "[" * 1_500 + "]" * 1_500,
        '{"title": "t", "customerId": "cust-1", "tags": ' + "[" * 40 + "]" * 40 + "}",
        '{"title": "t", "customerId": "cust-1", "priority": NaN}',
    ],
    ids=["1500 levels", "40 levels", "NaN"],
)
def test_json_nested_too_deep_or_with_nan_is_400_malformed(api, raw_body):
    response = _create_case_as(api, "application/json", raw_body)

    assert response.status == 400
    assert response.body["code"] == "MALFORMED_JSON"


@pytest.mark.parametrize("moment", EDGE_INSTANTS)
def test_instants_at_the_edge_of_the_calendar_are_refused_everywhere(api, moment):
    assert api.create_field({"fieldId": "when", "name": "When", "type": "datetime"}).status == 201
    assert api.create_template({"templateId": "dated", "name": "Dated", "fields": [{"fieldId": "when"}]}).status == 201
    case_id = api.create_case(NEW_CASE).body["caseId"]

    replies = {
        "dueAt": api.create_task({"name": "Call back", "queue": "billing", "dueAt": moment}),
        "scheduledFor": api.create_task({"name": "Call back", "queue": "billing", "scheduledFor": moment}),
        "createdFrom": api.list_cases(createdFrom=moment),
        "updatedTo": api.list_cases(sort="updatedAt", updatedTo=moment),
        "dueBefore": api.list_tasks(queue="billing", dueBefore=moment),
        "initiatedAt": api.add_related_item(
            case_id, "contact", {"contactId": "c-1", "channel": "CHAT", "direction": "INBOUND", "initiatedAt": moment}
        ),
        "field value": api.create_case({**NEW_CASE, "templateId": "dated", "fields": {"when": moment}}),
    }

    assert {name: reply.status for name, reply in replies.items()} == {
        "dueAt": 422,
        "scheduledFor": 422,
        "createdFrom": 422,
        "updatedTo": 422,
        "dueBefore": 422,
        "initiatedAt": 422,
        "field value": 422,
    }


def test_an_edited_page_token_is_400_invalid_request(api):
    for _ in range(3):
        api.create_case(NEW_CASE)
    token = api.list_cases(limit="1").body["nextToken"]
    payload, _, signature = token.partition(".")
    key = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    key.popitem()  # a field of the position it continues from
    edited = base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=") + "." + signature

    for forged in (edited, edited.partition(".")[0], "bm90IGEgdG9rZW4", token + "x", "x.y.z"):
        response = api.list_cases(limit="1", nextToken=forged)

        assert response.status == 400, forged
        assert response.body["code"] == "INVALID_REQUEST"


def test_a_page_token_of_another_query_or_tenant_is_400(api):
    for _ in range(2):
        api.create_case(NEW_CASE)
    token = api.list_cases(limit="1").body["nextToken"]

    other_query = api.list_cases(limit="1", status="open", nextToken=token)
    other_tenant = ApiClient(tenant_id="acme").list_cases(limit="1", nextToken=token)

    assert (other_query.status, other_tenant.status) == (400, 400)
    assert api.list_cases(limit="1", nextToken=token).status == 200


@pytest.mark.parametrize("if_match", ["1" * 5_000, '"' + "9" * 19 + '"', "٣", "0"])
def test_an_if_match_that_is_no_version_is_400(api, if_match):
    case_id = api.create_case(NEW_CASE).body["caseId"]

    response = api.patch_case(case_id, {"title": "Renamed"}, if_match)

    assert response.status == 400 and response.body["code"] == "INVALID_REQUEST"


def test_a_contact_time_without_a_time_zone_is_422(api):
    case_id = api.create_case(NEW_CASE).body["caseId"]

    response = api.add_related_item(
        case_id, "contact", {"contactId": "c-1", "channel": "CHAT", "direction": "INBOUND", "initiatedAt": "2026-11-25T09:00:00"}
    )

    assert response.status == 422
    assert response.body["fields"][0]["field"].endswith("initiatedAt")


@pytest.mark.parametrize("active", [0, 1, "true", "false"])
def test_booleans_are_true_or_false_only(api, active):
    response = api.create_field({"fieldId": "flag", "name": "Flag", "type": "boolean", "active": active})

    assert response.status == 422
    assert response.body["fields"] == [{"field": "active", "issue": "Input should be a valid boolean"}]


def test_an_unknown_related_item_type_lists_the_allowed_ones_in_plain_words(api):
    case_id = api.create_case(NEW_CASE).body["caseId"]

    response = api.add_related_item(case_id, "sla", {"name": "x"})

    assert response.status == 422
    assert response.body["fields"] == [
        {"field": "type", "issue": "Input should be 'contact', 'comment', 'file', 'connectCase' or 'custom', not 'sla'"}
    ]
