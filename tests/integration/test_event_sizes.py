"""Every change reaches the consumers whatever its size, and nothing DynamoDB would refuse is tried.

Through the real handlers on moto: the API writes the change, the stream publisher relays its
audit record (as the table's stream delivers it) to the bus, which refuses a PutEvents request
over 256 KB as AWS does (the `aws` fixture), and the Rules consumer acts on what the bus carried.
Before the claim check and the input bounds, the two requests of the Trust issue made a
325,348-byte RELATED_ITEM.CREATED and a 311,075-byte CASE.UPDATED: answered 201/200, never published.
"""

import json
from datetime import UTC, datetime

import boto3
import pytest
from botocore.exceptions import ClientError

from casetrail.outbound.bus_entries import INLINE_ENTRY_LIMIT, PUT_EVENTS_ENTRY_LIMIT, detail_json, entry_size
from casetrail.store import keys
from casetrail.store.dynamo import dynamodb_client, serialize
from tests.conftest import TEST_ENVIRONMENT, load_event
from tests.integration.api_client import ApiClient
from tests.integration.test_billing import sqs_batch
from tests.integration.test_rules import DEFAULT_RULES, cases_table, create_rule, fresh_rule_engine, new_case  # noqa: F401
from tests.lambda_context import FakeLambdaContext

pytestmark = pytest.mark.usefixtures("aws", "fresh_rule_engine")

CJK_TRANSCRIPT = ("客户：我的信用卡上有一笔 unauthorised charge，请帮我查一下。" + "中" * 50_000)[:50_000]
FIELD_COUNT = 100


@pytest.fixture
def agent() -> ApiClient:
    return ApiClient()


@pytest.fixture
def supervisor() -> ApiClient:
    return ApiClient(principal_id="p-demo-supervisor", name="Sam Supervisor", role="supervisor")


def publish(case_id: str, version: int) -> dict:
    """The stream publisher, given the audit record of this case version as the stream delivers it."""
    from casetrail.handlers.stream_publisher import handler

    key = serialize(keys.case_audit_item("demo", case_id, version))
    image = dynamodb_client().get_item(TableName=TEST_ENVIRONMENT["CASES_TABLE_NAME"], Key=key)["Item"]
    event = load_event("stream/case_changes.json")
    record = event["Records"][0]
    record["dynamodb"]["NewImage"] = image
    event["Records"] = [record]
    return handler(event, FakeLambdaContext())


def consume(*bus_events: dict) -> dict:
    """The Rules consumer, given the events exactly as the bus delivered them to a queue."""
    from casetrail.handlers.rules_consumer import handler

    return handler(sqs_batch(*(json.dumps(e, ensure_ascii=False) for e in bus_events)), FakeLambdaContext())


def bus_entry_size(bus_event: dict) -> int:
    entry = {"Source": bus_event["source"], "DetailType": bus_event["detail-type"], "Detail": detail_json(bus_event["detail"]), "Time": bus_event["time"]}
    return entry_size(entry)


def text_fields(count: int = FIELD_COUNT) -> list[str]:
    """The tenant's text fields, written straight to the store (through POST /fields, each creation
    lists the fields before it: minutes on moto for a hundred)."""
    from casetrail.domain.templates import FieldDefinition, FieldType
    from casetrail.store.templates import DefinitionRepository

    definitions = DefinitionRepository(cases_table())
    field_ids = [f"note{i:03d}" for i in range(count)]
    for field_id in field_ids:
        at = datetime.now(UTC)
        definitions.create_field(FieldDefinition(field_id=field_id, tenant_id="demo", name=field_id, type=FieldType.TEXT, created_at=at, updated_at=at))
    return field_ids


def test_a_contact_with_a_50000_character_cjk_transcript_is_published_within_the_limit_and_consumed(agent, bus_inbox):
    # Given the default rules and a case
    from casetrail.admin import run_load_rules
    from casetrail.store.rules import RuleRepository

    run_load_rules(str(DEFAULT_RULES), RuleRepository(cases_table()))
    case_id = new_case(agent)
    # When a chat whose 50,000-character Chinese transcript speaks of an unauthorised charge is added
    contact = {"contactId": "chat-cjk", "channel": "CHAT", "direction": "INBOUND", "initiatedAt": "2026-11-25T09:00:00Z", "transcript": CJK_TRANSCRIPT}
    assert agent.add_related_item(case_id, "contact", contact).status == 201
    # Then its event is published, within the bus's limit (UTF-8, not 6-byte \u escapes), whole
    assert publish(case_id, 2) == {"batchItemFailures": []}
    (event,) = bus_inbox()
    assert bus_entry_size(event) <= INLINE_ENTRY_LIMIT
    assert event["detail"]["relatedItem"]["content"]["transcript"] == CJK_TRANSCRIPT
    # And the Rules consumer acts on it
    assert consume(event) == {"batchItemFailures": []}
    assert agent.get_case(case_id).body["priority"] == "urgent"


def test_a_patch_of_100_text_fields_of_1000_characters_travels_by_claim_check_and_is_consumed(agent, supervisor, bus_inbox):
    # Given 100 text fields, a rule on raising the priority, and a case with a value in each field
    field_ids = text_fields()
    create_rule(
        supervisor,
        {
            "name": "Escalation",
            "trigger": "OnCaseUpdate",
            "condition": {"type": "fieldChangedTo", "field": "priority", "value": "urgent"},
            "actions": [{"type": "setCategory", "category": "escalated"}],
        },
    )
    agent.create_customer({"customerId": "cust-1", "name": "Customer 1"})
    created = agent.create_case({"title": "Many fields", "customerId": "cust-1", "fields": {f: "a" * 1_000 for f in field_ids}})
    assert created.status == 201, created.body
    case_id = created.body["caseId"]
    # When one PATCH rewrites all 100 values and raises the priority
    patched = agent.patch_case(case_id, {"priority": "urgent", "fields": {f: "b" * 1_000 for f in field_ids}}, if_match='"1"')
    assert patched.status == 200, patched.body
    # Then its event is published: on the bus a trimmed detail with a reference to the full one
    assert publish(case_id, 2) == {"batchItemFailures": []}
    (event,) = bus_inbox()
    assert bus_entry_size(event) <= INLINE_ENTRY_LIMIT
    detail = event["detail"]
    assert (detail["eventType"], detail["caseId"], detail["caseVersion"]) == ("CASE.UPDATED", case_id, 2)
    assert set(detail["changedFieldIds"]) == {"priority", *(f"fields.{f}" for f in field_ids)}
    assert "case" not in detail and "changes" not in detail
    claim_check = detail["claimCheck"]
    stored = boto3.client("s3").get_object(Bucket=claim_check["bucket"], Key=claim_check["key"])["Body"].read()
    assert claim_check["bytes"] == len(stored) > PUT_EVENTS_ENTRY_LIMIT  # it could never have been sent whole
    # And the Rules consumer reads the full detail (its changes) and acts on it
    assert consume(event) == {"batchItemFailures": []}
    assert agent.get_case(case_id).body["category"] == "escalated"


def test_a_claim_checked_detail_that_does_not_match_its_reference_is_not_consumed(agent, bus_inbox):
    # Given a claim-checked event whose stored detail was replaced by another
    from casetrail.domain.events import trimmed_detail
    from casetrail.store.event_details import store_detail

    case_id = new_case(agent)
    full = cases_table().get(keys.case_audit_item("demo", case_id, 1))["change"]
    claim_check = store_detail(TEST_ENVIRONMENT["EVENT_DETAILS_BUCKET_NAME"], full)
    boto3.client("s3").put_object(Bucket=claim_check.bucket, Key=claim_check.key, Body=b'{"eventId":"forged"}')
    event = {**json.loads(load_event("sqs/case_created.json")["Records"][0]["body"]), "detail": trimmed_detail(full, claim_check)}
    # When it reaches a consumer, Then that message fails (SQS retries it, then dead-letters it)
    assert len(consume(event)["batchItemFailures"]) == 1


def test_a_case_change_over_the_case_budget_is_a_413_and_writes_nothing(agent):
    # Given 11 text fields and a case
    field_ids = text_fields(11)
    agent.create_customer({"customerId": "cust-1", "name": "Customer 1"})
    case_id = agent.create_case({"title": "Many fields", "customerId": "cust-1"}).body["caseId"]
    # When a PATCH fills each with 4,100 Chinese characters (12,300 bytes; 135,300 in all)
    response = agent.patch_case(case_id, {"fields": {f: "中" * 4_100 for f in field_ids}}, if_match='"1"')
    # Then it is refused before any write, saying which record and which limit
    assert response.status == 413, response.body
    assert response.body["code"] == "PAYLOAD_TOO_LARGE"
    assert response.body["details"]["record"] == "case" and response.body["details"]["limitBytes"] == 128 * 1024
    assert agent.get_case(case_id).body["version"] == 1
    assert cases_table().get(keys.case_audit_item("demo", case_id, 2)) is None


def test_a_task_over_the_task_budget_is_a_413_and_writes_nothing(agent):
    # When a task is created with 25 references of 4,096 characters (100 KB)
    references = {f"ref{i}": {"type": "string", "value": "r" * 4_096} for i in range(25)}
    response = agent.request("create_task", path="/tasks", body={"name": "Call back", "queue": "big-refs", "references": references})
    # Then it is refused, and no task exists
    assert response.status == 413, response.body
    assert response.body["details"]["record"] == "task"
    assert agent.request("list_tasks", query={"queue": "big-refs"}).body["items"] == []


def test_the_emulated_bus_refuses_an_entry_over_256_kb_as_aws_does(bus_inbox):
    # When an entry of 256 KB + 1 byte is put on the bus, Then the request is refused, and nothing is delivered
    events = boto3.client("events")
    detail = json.dumps({"text": "x" * (PUT_EVENTS_ENTRY_LIMIT - len("casetrail") - len("big") - len('{"text":""}') + 1)})
    with pytest.raises(ClientError) as refused:
        events.put_events(Entries=[{"Source": "casetrail", "DetailType": "big", "Detail": detail, "EventBusName": "casetrail-test"}])
    assert refused.value.response["Error"]["Code"] == "ValidationException"
    assert bus_inbox() == []
