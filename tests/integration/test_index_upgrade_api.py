"""This release's code on a cases table mid-upgrade (store/case_indexes.py): the first step's
indexes (the previous release's twelve, plus one new one still backfilling) and the environment the
stack gives that step. Requests still answer, through the search engine or an old index with the
same keys; what needs a new index waits for it, late but never lost."""

import json
import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from casetrail.store import case_indexes
from casetrail.store.case_indexes import QUERYABLE_INDEXES_ENV_VAR, upgrade_steps
from casetrail.store.dynamo import Table, dynamodb_client
from casetrail.store.erasure import ErasureRepository
from casetrail.store.migration import KeyDesignMigration
from casetrail.store.provisioning import create_table_request
from casetrail.store.tables import CASES_TABLE
from tests.conftest import TEST_ENVIRONMENT
from tests.integration.api_client import ApiClient
from tests.integration.connect_flow import invoke
from tests.integration.people import register_users
from tests.integration.test_connect_flows import connect, open_case  # noqa: F401 - a fixture
from tests.integration.test_key_design_migration import sweep_slas

pytestmark = pytest.mark.usefixtures("aws", "first_step")

FIRST_STEP = upgrade_steps()[0]
CASES = TEST_ENVIRONMENT["CASES_TABLE_NAME"]
MAIN = json.loads((Path(__file__).parent / "data" / "main_schema_items.json").read_text())  # what the previous release wrote


@pytest.fixture
def first_step(aws, monkeypatch):
    """The cases table as the first upgrade step deploys it, and the functions' environment of that step."""
    client = dynamodb_client()
    client.delete_table(TableName=CASES)
    client.create_table(**create_table_request(replace(CASES_TABLE, indexes=FIRST_STEP.indexes), CASES))
    monkeypatch.setenv(QUERYABLE_INDEXES_ENV_VAR, case_indexes.environment(FIRST_STEP)[QUERYABLE_INDEXES_ENV_VAR])


@pytest.fixture
def agent() -> ApiClient:
    register_users("p-7", "p-8")
    supervisor = ApiClient(role="supervisor")
    supervisor.create_customer({"customerId": "cust-9", "name": "Nina"})
    supervisor.create_customer({"customerId": "cust-8", "name": "Otto"})
    return ApiClient()


def _ids(response) -> list[str]:
    assert response.status == 200, response.body
    return [case["caseId"] for case in response.body["items"]]


def test_lists_whose_new_index_is_missing_still_answer_newest_first(agent):
    # Given the first step: byAssigneeV2, byQueueV2, byAssigneeUpdatedV2 are not on the table yet
    deployed = {index.name for index in FIRST_STEP.indexes}
    assert not {"byAssigneeV2", "byQueueV2", "byAssigneeUpdatedV2"} & deployed
    older = agent.create_case({"title": "Older", "customerId": "cust-9", "assignee": "p-7", "queue": "billing"}).body
    newer = agent.create_case({"title": "Newer", "customerId": "cust-9", "assignee": "p-7", "queue": "billing"}).body
    other = agent.create_case({"title": "Other", "customerId": "cust-8", "assignee": "p-8", "queue": "refunds"}).body
    assert agent.patch_case(older["caseId"], {"priority": "high"}, '"1"').status == 200

    # When the lists by customer, assignee and queue are asked for, Then each answers its cases
    assert _ids(agent.list_cases(customerId="cust-9")) == [newer["caseId"], older["caseId"]]
    assert _ids(agent.customer_cases("cust-9")) == [newer["caseId"], older["caseId"]]
    assert _ids(agent.list_cases(assignee="p-7")) == [newer["caseId"], older["caseId"]]
    assert _ids(agent.list_cases(assignee="p-7", sort="updatedAt")) == [older["caseId"], newer["caseId"]]
    assert _ids(agent.list_cases(queue="refunds")) == [other["caseId"]]


def test_a_timeline_by_type_is_read_from_the_old_index_with_the_same_keys(agent):
    case_id = agent.create_case({"title": "Talk", "customerId": "cust-9"}).body["caseId"]
    agent.add_related_item(case_id, "comment", {"body": "First"})
    agent.add_related_item(case_id, "comment", {"body": "Second"})

    response = agent.timeline(case_id, type="comment")

    assert response.status == 200 and [i["content"]["body"] for i in response.body["items"]] == ["Second", "First"]


def test_once_migrated_the_sla_sweeper_finds_the_previous_release_s_due_case_through_its_old_index():
    # Given what the previous release wrote, migrated right after the first step as the plan says
    for name, items in MAIN["tables"].items():
        for item in items:
            dynamodb_client().put_item(TableName=TEST_ENVIRONMENT[name], Item=item)
    access = Table(TEST_ENVIRONMENT["ACCESS_TABLE_NAME"])
    assert KeyDesignMigration(cases=Table(CASES), tasks=Table(TEST_ENVIRONMENT["TASKS_TABLE_NAME"]), access=access, metrics=Table(TEST_ENVIRONMENT["METRICS_TABLE_NAME"]), progress=lambda _: None).run()["done"]

    # When the SLA sweeper runs a day later, Then it flags the due SLA (slaDueV2 is not even created yet)
    assert "slaDueV2" not in {index.name for index in FIRST_STEP.indexes}
    assert sweep_slas() == 1


def test_the_retention_sweep_waits_for_its_index_with_a_warning(agent, caplog):
    case_id = agent.create_case({"title": "Done", "customerId": "cust-9"}).body["caseId"]
    assert agent.patch_case(case_id, {"status": "closed"}, '"1"').status == 200
    erasure = ErasureRepository(cases=Table(CASES), tasks=Table(TEST_ENVIRONMENT["TASKS_TABLE_NAME"]), erasure=Table(TEST_ENVIRONMENT["ERASURE_TABLE_NAME"]))

    with caplog.at_level(logging.WARNING, logger=case_indexes.__name__):
        due = erasure.closed_before("demo", (datetime.now(UTC) + timedelta(days=1)).isoformat(), limit=10)

    assert due == [] and "closedAt is not queryable yet" in caplog.text
    assert agent.get_case(case_id).status == 200


def test_a_customer_s_erasure_waits_for_the_next_step_then_continues(agent, monkeypatch):
    from casetrail.handlers.dependencies import deletion_service

    admin = ApiClient(principal_id="p-demo-admin", name="Ada Admin", role="admin")
    case_id = agent.create_case({"title": "Mine", "customerId": "cust-9"}).body["caseId"]
    deletion_service.cache_clear()

    # When an admin erases the customer mid-upgrade, Then the job is under way and nothing is lost yet
    waiting = admin.request("create_customer", path="/customers/cust-9/erase", body=None)
    assert waiting.status == 202 and waiting.body["status"] == "erasing" and waiting.body["casesDeleted"] == 0
    assert agent.get_case(case_id).status == 200

    # And once the customer index is queryable (the second step), asking again finishes it
    monkeypatch.setenv(QUERYABLE_INDEXES_ENV_VAR, case_indexes.environment(upgrade_steps()[1])[QUERYABLE_INDEXES_ENV_VAR])
    finished = admin.request("create_customer", path="/customers/cust-9/erase", body=None)
    assert finished.body["status"] == "erased" and finished.body["casesDeleted"] == 1
    assert agent.get_case(case_id).status == 404


def test_an_sla_sweep_without_any_queryable_due_index_waits_with_a_warning(monkeypatch, caplog):
    # Given a deployment that may query neither slaDue nor slaDueV2 (no step gives one that, but it must not fail)
    monkeypatch.setenv(QUERYABLE_INDEXES_ENV_VAR, json.dumps(["byCustomerV2"]))

    with caplog.at_level(logging.WARNING, logger=case_indexes.__name__):
        assert sweep_slas() == 0

    assert "slaDueV2 is not queryable yet" in caplog.text


def test_waiting_for_the_indexes_of_a_step_names_them_once_active():
    from casetrail.store.case_indexes import wait_until_active

    names = wait_until_active(dynamodb_client(), CASES, progress=print, sleep=lambda _: pytest.fail("moto's indexes are ACTIVE at once"))

    assert names == sorted(index.name for index in FIRST_STEP.indexes)


def test_a_contact_flow_answers_the_caller_as_one_without_open_cases_in_the_first_step_only(first_step, connect, monkeypatch):  # noqa: F811 - the fixture
    # Given the demo caller with an open case
    case = open_case(connect)

    # When the flow looks for the caller's case in the first step, Then it answers (no open case found)
    answer = invoke("find_case")
    assert answer["success"] == "true" and answer["customerFound"] == "true" and answer["caseFound"] == "false"

    # And from the second step on, it finds it
    monkeypatch.setenv(QUERYABLE_INDEXES_ENV_VAR, case_indexes.environment(upgrade_steps()[1])[QUERYABLE_INDEXES_ENV_VAR])
    assert invoke("find_case")["caseId"] == case["caseId"]


def test_wait_indexes_checks_the_table_has_the_step_s_indexes(monkeypatch, capsys):
    from casetrail.admin import main

    # Given the admin command pointed at the first step's table (moto, in process)
    monkeypatch.setattr("casetrail.admin._stack_table", lambda stack, spec: Table(TEST_ENVIRONMENT[spec.env_var]))
    # Then the first step's check passes, the second's names the index the table lacks
    assert main(["--stack", "Casetrail", "wait-indexes", "--step", FIRST_STEP.name]) == 0
    assert main(["--stack", "Casetrail", "wait-indexes", "--step", upgrade_steps()[1].name]) == 1
    assert "missing ['closedAt']" in capsys.readouterr().err
