"""Every kind of event the bus can carry, made by the real code on moto (API, consumers, sweepers),
read back from the outbox (the audit-entity items of every streamed table) as the publisher relays
them. Used to feed every consumer every event: none may dead-letter a legitimate one."""

import json
from datetime import UTC, datetime, timedelta

from casetrail.settings import get_settings
from casetrail.store.dynamo import Table, deserialize, dynamodb_client
from casetrail.store.tables import ALL_TABLES
from tests.conftest import TEST_ENVIRONMENT
from tests.integration.api_client import ApiClient
from tests.integration.test_billing import published_detail, sqs_batch
from tests.lambda_context import FakeLambdaContext

# Urgent cases get an SLA, on a 24x7 clock.
SLA_POLICIES = {"policies": [{"name": "resolve-urgent", "priority": "urgent", "targetMinutes": 240}]}
# On every case creation: notify subscribers and emit a custom event (RULE.NOTIFY, RULE.<name>).
ANNOUNCE_RULE = {"name": "Announce", "trigger": "OnCaseCreate", "actions": [{"type": "notify"}, {"type": "emitEvent", "name": "CaseOpened"}]}
PAST_DUE = "2026-01-05T09:00:00Z"  # tasks due then are overdue at the first sweep


def outbox() -> list[dict]:
    """Every event detail the publisher would relay, from every streamed table (a test may scan)."""
    details = []
    for spec in ALL_TABLES:
        if not spec.stream:
            continue
        paginator = dynamodb_client().get_paginator("scan")
        for page in paginator.paginate(TableName=TEST_ENVIRONMENT[spec.env_var]):
            details.extend(deserialize(i)["change"] for i in page["Items"] if i.get("entity", {}).get("S") == "AUDIT")
    return details


def shape_of(detail: dict) -> str:
    """A label for an event's kind: its type, plus what varies within a type."""
    event_type = detail["eventType"]
    if event_type.startswith("RELATED_ITEM."):
        return f"{event_type} {detail['relatedItem']['type']}"
    if event_type.startswith("TASK."):
        return f"{event_type} {'linked' if detail.get('caseId') else 'standalone'}"
    if event_type == "CASE.UPDATED":
        return f"{event_type} {'status' if 'status' in detail['changedFieldIds'] else 'fields'}"
    return event_type


def one_of_each(details: list[dict]) -> dict[str, dict]:
    catalogue: dict[str, dict] = {}
    for detail in details:
        catalogue.setdefault(shape_of(detail), detail)
    return catalogue


def _consumer(handler_module: str, detail: dict) -> dict:
    module = __import__(f"casetrail.handlers.{handler_module}", fromlist=["handler"])
    return module.handler(sqs_batch(detail), FakeLambdaContext())


def flag_overdue_tasks_and_sla_breaches() -> None:
    """Runs the two sweepers: tasks past due now, SLAs past their target two days from now."""
    from casetrail.handlers.overdue_sweeper import handler as overdue_sweep
    from casetrail.service.slas import SlaService
    from casetrail.store.cases import CaseRepository
    from casetrail.store.sla_calendars import SlaCalendarRepository
    from casetrail.store.timeline import TimelineRepository

    overdue_sweep({}, FakeLambdaContext())
    table = Table(TEST_ENVIRONMENT["CASES_TABLE_NAME"])
    later = datetime.now(UTC) + timedelta(days=2)
    SlaService(CaseRepository(table), TimelineRepository(table), get_settings().sla_configuration, SlaCalendarRepository(table), clock=lambda: later).flag_breaches(["demo"])


def make_every_event() -> dict[str, dict]:
    """Drives the product through everything that publishes an event; returns one event of each
    shape, keyed by shape_of. Needs the `aws` and `notifications` fixtures and SLA_POLICIES set."""
    agent = ApiClient()
    supervisor = ApiClient(principal_id="p-demo-supervisor", name="Sam Supervisor", role="supervisor")
    assert supervisor.request("create_rule", body=ANNOUNCE_RULE).status == 201
    agent.create_customer({"customerId": "cust-1", "name": "Customer 1"})

    def new_case(**fields) -> dict:
        response = agent.create_case({"title": "Card blocked abroad", "customerId": "cust-1", **fields})
        assert response.status == 201, response.body
        for consumer in ("sla_consumer", "rules_consumer"):
            _consumer(consumer, published_detail(response.body["caseId"]))
        return agent.get_case(response.body["caseId"]).body

    def patch(case: dict, body: dict) -> dict:
        response = agent.patch_case(case["caseId"], body, f'"{agent.get_case(case["caseId"]).body["version"]}"')
        assert response.status == 200, response.body
        _consumer("sla_consumer", published_detail(case["caseId"], version=response.body["version"]))
        return response.body

    # Cases, SLAs (assigned, paused, resumed, breached, not met; another met) and rule events.
    late = new_case(priority="urgent")
    patch(late, {"status": "pending_customer"})
    patch(late, {"status": "in_progress", "assignee": "me", "queue": "billing"})
    patch(late, {"category": "cards"})
    flag_overdue_tasks_and_sla_breaches()  # no task yet: only the SLA breaches
    patch(late, {"status": "resolved"})
    on_time = new_case(priority="urgent")
    patch(on_time, {"status": "resolved"})

    # Related items of every type that can be posted; a comment edited and deleted.
    other = new_case()
    contents = {
        "contact": {"contactId": "chat-1", "channel": "CHAT", "direction": "INBOUND", "initiatedAt": "2026-11-25T09:00:00Z", "transcript": "hello"},
        "comment": {"body": "Refund approved"},
        "file": {"fileName": "receipt.pdf", "contentType": "application/pdf", "size": 1024},
        "connectCase": {"caseId": on_time["caseId"], "kind": "duplicate"},
        "custom": {"values": {"crmTicket": "T-17"}},
    }
    for item_type, content in contents.items():
        response = agent.add_related_item(other["caseId"], item_type, content)
        assert response.status == 201, response.body
        if item_type == "comment":
            comment_id = response.body["relatedItemId"]
    assert agent.edit_comment(other["caseId"], comment_id, {"body": "Refund approved (EUR 240)"}).status == 200
    assert agent.delete_comment(other["caseId"], comment_id).status == 204

    # Tasks, linked to a case and standalone: created, claimed, updated, completed, cancelled, overdue.
    for case_id in (other["caseId"], None):
        worked = agent.create_task({"name": "Call back", "queue": "billing"}, case_id=case_id).body
        claimed = agent.claim_task(worked["taskId"]).body
        updated = agent.patch_task(worked["taskId"], {"description": "About the refund"}, f'"{claimed["version"]}"').body
        assert agent.patch_task(worked["taskId"], {"status": "done"}, f'"{updated["version"]}"').status == 200
        dropped = agent.create_task({"name": "Send form", "queue": "billing"}, case_id=case_id).body
        assert agent.patch_task(dropped["taskId"], {"status": "cancelled"}, f'"{dropped["version"]}"').status == 200
        assert agent.create_task({"name": "Chase the bank", "queue": "billing", "dueAt": PAST_DUE}, case_id=case_id).status == 201
    flag_overdue_tasks_and_sla_breaches()

    # A bulk change over a filter longer than one part: a job, whose part announces the next.
    from casetrail.service import bulk_changes

    items_per_request, page = bulk_changes.ITEMS_PER_REQUEST, bulk_changes._PAGE
    bulk_changes.ITEMS_PER_REQUEST = bulk_changes._PAGE = 1
    try:
        body = {"filter": {"customerId": "cust-1"}, "patch": {"tags": ["catalogue"]}}
        assert supervisor.request("create_case", path="/cases/bulk", body=body, headers={"Idempotency-Key": None}).status == 202
    finally:
        bulk_changes.ITEMS_PER_REQUEST, bulk_changes._PAGE = items_per_request, page

    catalogue = one_of_each(outbox())
    return catalogue


def malformed_messages() -> dict[str, str]:
    """Messages no Casetrail publisher makes: every consumer must refuse them (dead-letter)."""
    envelope = json.loads(sqs_batch({})["Records"][0]["body"])
    good = published_detail_like()
    without_event_id = {k: v for k, v in good.items() if k != "eventId"}
    return {
        "not JSON": "this is not an event",
        "not an EventBridge event": json.dumps({"hello": "world"}),
        "no eventId": json.dumps({**envelope, "detail": without_event_id}),
        "no eventType": json.dumps({**envelope, "detail": {k: v for k, v in good.items() if k != "eventType"}}),
        "CASE.CREATED without its case": json.dumps({**envelope, "detail": {k: v for k, v in good.items() if k != "case"}}),
        "unknown tenant": json.dumps({**envelope, "detail": {**good, "tenantId": "no-such-tenant", "case": {**good["case"], "tenantId": "no-such-tenant"}}}),
    }


def published_detail_like() -> dict:
    from tests.integration.test_billing import sample_detail

    return sample_detail()
