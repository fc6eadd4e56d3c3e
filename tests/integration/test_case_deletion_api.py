"""Deleting cases, moderating related items, erasing customers and retention, through the real
handler on moto (README "Deleting cases and erasing customers")."""

import gzip
import json
from datetime import timedelta

import boto3
import pytest

from casetrail.service.cases import utc_now
from casetrail.store import keys
from casetrail.store.dynamo import Table
from tests.conftest import TEST_ENVIRONMENT
from tests.integration.api_client import ApiClient

pytestmark = pytest.mark.usefixtures("aws", "files_bucket")

CASES = TEST_ENVIRONMENT["CASES_TABLE_NAME"]
FILES = TEST_ENVIRONMENT["FILES_BUCKET_NAME"]
CALL = {"contactId": "ct-del-1", "channel": "VOICE", "direction": "INBOUND", "initiatedAt": "2026-11-20T09:14:00Z", "transcript": "Customer: hi"}
PDF = {"fileName": "id.pdf", "contentType": "application/pdf", "size": 5}


@pytest.fixture
def files_bucket():
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=FILES)
    s3.put_bucket_versioning(Bucket=FILES, VersioningConfiguration={"Status": "Enabled"})


@pytest.fixture
def agent() -> ApiClient:
    return ApiClient()


@pytest.fixture
def supervisor() -> ApiClient:
    return ApiClient(principal_id="p-demo-sup", name="Sam Supervisor", role="supervisor")


@pytest.fixture
def admin() -> ApiClient:
    return ApiClient(principal_id="p-demo-admin", name="Ada Admin", role="admin")


def delete_case(client: ApiClient, case_id: str, reason: str | None = "duplicate opened by mistake", if_match: str | None = None):
    return client.request(
        "delete_comment", path=f"/cases/{case_id}", query={"reason": reason} if reason else {}, headers={"If-Match": if_match} if if_match else None
    )


def full_case(agent: ApiClient, customer_id: str = "cust-del", phone: str = "+15550001111") -> str:
    agent.create_customer({"customerId": customer_id, "name": "Dora Deleted", "phone": phone})
    case_id = agent.create_case({"title": "Refund", "customerId": customer_id}, headers={"Idempotency-Key": f"key-{customer_id}"}).body["caseId"]
    agent.add_related_item(case_id, "comment", {"body": "Her card number ends 4242"})
    agent.add_related_item(case_id, "contact", CALL)
    file_id = agent.add_related_item(case_id, "file", PDF).body["relatedItemId"]
    key = keys.file_object_key("demo", case_id, file_id)
    for body in (b"v1 ..", b"v2 .."):  # two versions: both must go
        boto3.client("s3").put_object(Bucket=FILES, Key=key, Body=body)
    assert agent.create_task({"name": "Call back", "queue": "billing"}, case_id=case_id).status == 201
    return case_id


def test_a_supervisor_deletes_a_case_and_everything_it_left_anywhere(agent, supervisor):
    case_id = full_case(agent)
    reference = agent.get_case(case_id).body["referenceNumber"]
    task_id = agent.case_tasks(case_id).body["items"][0]["taskId"]

    deleted = delete_case(supervisor, case_id)

    assert deleted.status == 200 and deleted.body["status"] == "deleted"
    removed = deleted.body["removed"]
    assert removed["cases"] == 1 and removed["tasks"] == 1 and removed["files"] == 1 and removed["contactLinks"] == 1
    assert removed["idempotencyRecords"] == 1 and removed["timelineItems"] >= 3
    assert agent.get_case(case_id).status == 404
    assert agent.request("get_case", path=f"/cases/by-reference/{reference}").status == 404
    assert agent.audit(case_id).status == 404
    assert agent.get_task(task_id).status == 404
    assert agent.contact_cases(CALL["contactId"]).body["items"] == []
    assert agent.customer_cases("cust-del").body["items"] == []
    assert "Versions" not in boto3.client("s3").list_object_versions(Bucket=FILES, Prefix=f"T#demo/cases/{case_id}/")
    assert boto3.client("dynamodb").scan(TableName=TEST_ENVIRONMENT["IDEMPOTENCY_TABLE_NAME"])["Items"] == []
    # All that stays of it: the tombstone, whose CASE.DELETED names no one.
    left = Table(CASES).query_all(pk=keys.case_partition("demo", case_id))
    assert [item["sk"] for item in left] == ["TOMBSTONE"]
    event = left[0]["change"]
    assert event["eventType"] == "CASE.DELETED" and event["reason"] == "duplicate opened by mistake"
    assert event["performedBy"]["principalId"] == "p-demo-sup"
    assert "Dora" not in json.dumps(event) and "4242" not in json.dumps(event)


def test_deleting_again_answers_the_same_report_and_a_retried_creation_does_not_bring_it_back(agent, supervisor):
    case_id = full_case(agent)
    first = delete_case(supervisor, case_id).body

    assert delete_case(supervisor, case_id).body == first
    again = agent.create_case({"title": "Refund", "customerId": "cust-del"}, headers={"Idempotency-Key": "key-cust-del"})
    assert again.status == 409 and again.body["code"] == "CASE_DELETED"
    assert agent.get_case(case_id).status == 404


def test_agents_may_not_delete_cases_and_if_match_must_be_current_when_sent(agent, supervisor):
    case_id = full_case(agent)

    assert delete_case(agent, case_id).status == 403
    assert delete_case(supervisor, case_id, if_match='"1"').status == 412
    assert delete_case(supervisor, case_id, reason=None).status == 422
    version = agent.get_case(case_id).headers["etag"]
    assert delete_case(supervisor, case_id, if_match=version).status == 200


def test_a_large_case_is_deleted_in_transactions_of_at_most_100_items_and_never_seen_half_deleted(agent, supervisor, monkeypatch):
    from casetrail.handlers.dependencies import deletion_service
    from casetrail.store.dynamo import Table as StoreTable

    case_id = full_case(agent)
    table = Table(CASES)
    for n in range(480):
        table.put({**keys.case_timeline_item("demo", case_id, f"2026-11-20T10:00:{n:06d}", f"ri-{n}"), "entity": "RELATED_ITEM", "type": "comment", "content": {}})
    sizes: list[int] = []
    original = StoreTable.transact
    monkeypatch.setattr(StoreTable, "transact", lambda self, ops: (sizes.append(len(ops)), original(self, ops))[1])
    pages = iter(range(3))
    principal = _principal("supervisor")

    partial = deletion_service().delete_case(principal, case_id, reason="test", keep_going=lambda: next(pages, None) is not None)

    assert partial.status == "deleting" and agent.get_case(case_id).status == 404
    assert case_id not in [c["caseId"] for c in agent.customer_cases("cust-del").body["items"]]
    done = delete_case(supervisor, case_id)
    assert done.status == 200 and done.body["removed"]["timelineItems"] >= 483
    assert max(sizes) <= 100


def test_an_older_event_of_a_deleted_case_is_dropped_by_every_consumer(agent, supervisor):
    from casetrail.handlers.case_event_messages import event_intake

    case_id = full_case(agent)
    created = Table(CASES).get(keys.case_audit_item("demo", case_id, 1))["change"]
    assert event_intake().accept(created) == created
    delete_case(supervisor, case_id)

    assert event_intake().accept(created) is None
    tombstone = Table(CASES).get(keys.case_tombstone_item("demo", case_id))["change"]
    assert event_intake().accept(tombstone) == tombstone


def test_metrics_forget_a_deleted_case_but_keep_the_days_counts(agent, supervisor):
    from casetrail.domain.metrics import open_cases_by_value
    from casetrail.service.metrics import MetricsRecorder
    from casetrail.store.metrics import MetricsRepository

    case_id = full_case(agent)
    recorder = MetricsRecorder(MetricsRepository(Table(TEST_ENVIRONMENT["METRICS_TABLE_NAME"])), reopen_days=7)
    recorder.record(Table(CASES).get(keys.case_audit_item("demo", case_id, 1))["change"])
    metrics = MetricsRepository(Table(TEST_ENVIRONMENT["METRICS_TABLE_NAME"]))
    assert open_cases_by_value(metrics.open_case_gauges("demo", "day")) and metrics.case_state("demo", case_id).revision == 1
    delete_case(supervisor, case_id)

    assert recorder.record(Table(CASES).get(keys.case_tombstone_item("demo", case_id))["change"]) is True
    assert metrics.case_state("demo", case_id).revision == 0 and metrics.case_facts("demo", case_id) == []
    assert open_cases_by_value(metrics.open_case_gauges("demo", "day")) == {}


def test_a_supervisor_deletes_anyone_s_item_with_a_reason_and_it_is_audited(agent, supervisor):
    case_id = full_case(agent)
    contact_id = next(i["relatedItemId"] for i in agent.timeline(case_id).body["items"] if i["type"] == "contact")
    path = f"/cases/{case_id}/related-items/{contact_id}"

    assert agent.request("delete_comment", path=path, query={"reason": "wrong case"}).status == 409
    assert supervisor.request("delete_comment", path=path, query={}).status == 400
    assert supervisor.request("delete_comment", path=path, query={"reason": "wrong case"}).status == 204

    assert agent.contact_cases(CALL["contactId"]).body["items"] == []
    entry = agent.audit(case_id).body["items"][-1]
    assert entry["action"] == "RELATED_ITEM.DELETED" and entry["changes"] == [{"fieldId": "reason", "oldValue": None, "newValue": "wrong case"}]


def lake_object(s3, key: str, events: list[dict]) -> None:
    s3.put_object(Bucket="casetrail-test-lake", Key=key, Body=gzip.compress("".join(json.dumps(e) + "\n" for e in events).encode()))


def test_an_admin_erases_a_customer_everywhere_and_asking_again_answers_the_report(agent, admin, monkeypatch):
    from casetrail.domain.erasure import lake_customer_bucket
    from casetrail.handlers.dependencies import deletion_service

    monkeypatch.setenv("DATA_LAKE_BUCKET_NAME", "casetrail-test-lake")
    from casetrail.settings import get_settings

    get_settings.cache_clear()
    deletion_service.cache_clear()
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="casetrail-test-lake")
    s3.put_bucket_versioning(Bucket="casetrail-test-lake", VersioningConfiguration={"Status": "Enabled"})
    first, second = full_case(agent, "cust-erase", "+15550002222"), agent.create_case({"title": "Second", "customerId": "cust-erase"}).body["caseId"]
    agent.create_customer({"customerId": "cust-keep", "name": "Kim Kept"})
    kept = agent.create_case({"title": "Kept", "customerId": "cust-keep"}).body["caseId"]
    erased_events = [{"detail": {"eventType": "CASE.CREATED", "case": {"customerId": "cust-erase"}}}]
    other = {"detail": {"eventType": "CASE.CREATED", "case": {"customerId": "x-other"}}}
    partition = f"events/tenant=demo/customer={lake_customer_bucket('cust-erase')}/year=2026/month=11/day="
    lake_object(s3, partition + "20/a.gz", erased_events + [other])
    lake_object(s3, partition + "21/b.gz", [other])
    lake_object(s3, "events/tenant=demo/customer=none/year=2026/month=11/day=20/c.gz", [other])

    assert agent.request("create_customer", path="/customers/cust-erase/erase", body=None).status == 403
    erased = admin.request("create_customer", path="/customers/cust-erase/erase", body=None)

    assert erased.status == 200 and erased.body["status"] == "erased" and erased.body["casesDeleted"] == 2
    assert erased.body["removed"]["cases"] == 2 and erased.body["removed"]["customers"] == 1
    assert erased.body["dataLake"]["objectsScanned"] == 2 and erased.body["dataLake"]["objectsRewritten"] == 1
    assert agent.get_case(first).status == 404 and agent.get_case(second).status == 404 and agent.get_case(kept).status == 200
    assert agent.get_customer("cust-erase").status == 404
    assert agent.find_customers(phone="+15550002222").body.get("items", []) == []
    rewritten = gzip.decompress(s3.get_object(Bucket="casetrail-test-lake", Key=partition + "20/a.gz")["Body"].read()).decode()
    assert "cust-erase" not in rewritten and "x-other" in rewritten
    assert len(s3.list_object_versions(Bucket="casetrail-test-lake", Prefix=partition + "20/a.gz")["Versions"]) == 1
    assert admin.request("create_customer", path="/customers/cust-erase/erase", body=None).body == erased.body
    tombstone = Table(CASES).get(keys.customer_tombstone_item("demo", "cust-erase"))["change"]
    assert tombstone["eventType"] == "CUSTOMER.ERASED" and "Dora" not in json.dumps(tombstone)
    get_settings.cache_clear()
    deletion_service.cache_clear()


def test_retention_deletes_cases_closed_longer_ago_than_the_tenant_s_period_only(agent, admin, supervisor):
    from casetrail.handlers.dependencies import deletion_service

    agent.create_customer({"customerId": "cust-ret", "name": "Rita Retained"})
    closed = agent.create_case({"title": "Old", "customerId": "cust-ret"}).body["caseId"]
    agent.patch_case(closed, {"status": "closed"}, '"1"')
    still_open = agent.create_case({"title": "Open", "customerId": "cust-ret"}).body["caseId"]
    assert supervisor.request("watch_case", path="/retention", body={"closedCaseDays": 30}).status == 403
    assert admin.request("watch_case", path="/retention", body={"closedCaseDays": 30}).body == {"closedCaseDays": 30}

    assert deletion_service().sweep(utc_now() + timedelta(days=29)) == {"resumed": 0, "deleted": 0}
    assert deletion_service().sweep(utc_now() + timedelta(days=31)) == {"resumed": 0, "deleted": 1}

    assert agent.get_case(closed).status == 404 and agent.get_case(still_open).status == 200
    tombstone = Table(CASES).get(keys.case_tombstone_item("demo", closed))["change"]
    assert tombstone["reason"] == "retention period elapsed" and tombstone["performedBy"]["kind"] == "system"


def test_the_sweeper_finishes_a_deletion_a_request_left_under_way(agent):
    from casetrail.handlers.dependencies import deletion_service

    case_id = full_case(agent)
    deletion_service().delete_case(_principal("supervisor"), case_id, reason="test", keep_going=iter([True, False]).__next__)

    assert deletion_service().sweep(utc_now()) == {"resumed": 1, "deleted": 0}
    assert Table(CASES).query_all(pk=keys.case_partition("demo", case_id))[0]["sk"] == "TOMBSTONE"


def _principal(role: str):
    from casetrail.domain.identity import Principal

    return Principal(tenant_id="demo", principal_id=f"p-{role}", name=role.title(), role=role)


def test_a_deleted_case_s_claim_checked_details_go_and_a_replay_of_their_events_is_dropped(agent, supervisor):
    from casetrail.domain.events import trimmed_detail
    from casetrail.handlers.rules_consumer import handler
    from casetrail.store.event_details import store_detail
    from tests.conftest import load_event
    from tests.integration.test_billing import sqs_batch
    from tests.lambda_context import FakeLambdaContext

    case_id = full_case(agent)
    full = Table(CASES).get(keys.case_audit_item("demo", case_id, 1))["change"]
    claim_check = store_detail(TEST_ENVIRONMENT["EVENT_DETAILS_BUCKET_NAME"], full)
    replayed = {**json.loads(load_event("sqs/case_created.json")["Records"][0]["body"]), "detail": trimmed_detail(full, claim_check)}

    delete_case(supervisor, case_id)

    assert "Versions" not in boto3.client("s3").list_object_versions(Bucket=claim_check.bucket, Prefix=claim_check.key)
    assert handler(sqs_batch(json.dumps(replayed)), FakeLambdaContext()) == {"batchItemFailures": []}
    assert agent.get_case(case_id).status == 404


def test_a_deleted_child_leaves_its_parent_s_list_and_roll_up(agent, supervisor):
    agent.create_customer({"customerId": "cust-fam", "name": "Fay Family"})
    parent = agent.create_case({"title": "Outage", "customerId": "cust-fam"}).body["caseId"]
    kept, gone = (agent.create_case({"title": t, "customerId": "cust-fam", "parentCaseId": parent}).body["caseId"] for t in ("Kept", "Gone"))

    assert delete_case(supervisor, gone).status == 200

    family = agent.request("case_children", path=f"/cases/{parent}/children", query={}).body
    assert [c["caseId"] for c in family["items"]] == [kept] and family["counts"]["open"] == 1


def test_the_retention_sweeper_handler_runs_the_sweep_with_its_own_wiring(agent):
    from casetrail.handlers.retention_sweeper import handler
    from tests.lambda_context import FakeLambdaContext

    assert handler({}, FakeLambdaContext()) == {"resumed": 0, "deleted": 0}
