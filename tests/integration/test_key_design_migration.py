"""`casetrail-admin migrate` on a table written by the key design before #13.

tests/integration/data/main_schema_items.json holds every item main's code (commit f6abaa6) wrote
for a tenant with one urgent case (SLA assigned, assigned to an agent and a queue, a comment) and
one linked task past its due time: the due indexes' keys of that design are partitions shared by
every tenant ("SLADUE#<n>", "DUE#<n>"), and no tenant directory exists."""

import argparse
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from casetrail.admin import run_migrate
from casetrail.service.slas import SlaService
from casetrail.service.tasks import TaskService
from casetrail.settings import get_settings
from casetrail.store import keys
from casetrail.store.access import AccessRepository
from casetrail.store.cases import CaseRepository
from casetrail.store.dynamo import Table, dynamodb_client
from casetrail.store.migration import KeyDesignMigration
from casetrail.store.sla_calendars import SlaCalendarRepository
from casetrail.store.tasks import TaskRepository
from casetrail.store.timeline import TimelineRepository
from tests.conftest import TEST_ENVIRONMENT
from tests.integration.api_client import ApiClient

pytestmark = pytest.mark.usefixtures("aws")

MAIN = json.loads((Path(__file__).parent / "data" / "main_schema_items.json").read_text())
CASE_ID = MAIN["caseId"]
A_DAY_LATER = datetime.now(UTC) + timedelta(days=1)  # past the SLA target and the task's due time


def table(name: str) -> Table:
    return Table(TEST_ENVIRONMENT[name])


@pytest.fixture(autouse=True)
def main_schema_tables(aws):
    """The tables hold exactly what main's code wrote: its items, and no tenant directory."""
    client = dynamodb_client()
    client.delete_item(TableName=TEST_ENVIRONMENT["ACCESS_TABLE_NAME"], Key={k: {"S": v} for k, v in keys.tenant_directory_item("demo").items()})
    for name, items in MAIN["tables"].items():
        for item in items:
            client.put_item(TableName=TEST_ENVIRONMENT[name], Item=item)


def sweep_slas() -> int:
    cases = CaseRepository(table("CASES_TABLE_NAME"))
    service = SlaService(cases, TimelineRepository(table("CASES_TABLE_NAME")), get_settings().sla_configuration, SlaCalendarRepository(table("CASES_TABLE_NAME")), clock=lambda: A_DAY_LATER)
    return service.flag_breaches(AccessRepository(table("ACCESS_TABLE_NAME")).tenant_ids()).read


def sweep_tasks() -> int:
    service = TaskService(TaskRepository(table("TASKS_TABLE_NAME")), CaseRepository(table("CASES_TABLE_NAME")), clock=lambda: A_DAY_LATER)
    return service.flag_overdue(AccessRepository(table("ACCESS_TABLE_NAME")).tenant_ids()).read


def migrate(**options) -> dict:
    migration = KeyDesignMigration(cases=table("CASES_TABLE_NAME"), tasks=table("TASKS_TABLE_NAME"), access=table("ACCESS_TABLE_NAME"), metrics=table("METRICS_TABLE_NAME"), progress=lambda _: None, **options)
    return migration


def test_before_the_migration_the_new_code_cannot_see_the_old_due_keys():
    # Given main's items, When the new sweepers run, Then they find no tenant and no due item
    assert list(AccessRepository(table("ACCESS_TABLE_NAME")).tenant_ids()) == []
    assert (sweep_slas(), sweep_tasks()) == (0, 0)


def test_after_the_migration_the_new_code_reads_everything_main_wrote(capsys):
    # When the operator runs the migration
    result = run_migrate(argparse.Namespace(max_pages=None), table("CASES_TABLE_NAME"), table("TASKS_TABLE_NAME"), table("ACCESS_TABLE_NAME"), table("METRICS_TABLE_NAME"))

    # Then every step is done, with its progress printed as it went
    assert result["done"] and {step: totals["rewritten"] for step, totals in result["steps"].items()} == {
        "tenant-directory": 1, "case-index-keys": 1, "task-index-keys": 1, "metrics-shards": 0,
    }
    assert "case-index-keys: " in capsys.readouterr().err
    # And the sweepers find the due SLA and the overdue task, in the tenant's own partitions
    assert (sweep_slas(), sweep_tasks()) == (1, 1)
    # And every request path reads what main wrote: the case, its lists, timeline, audit and tasks
    agent = ApiClient()
    case = agent.get_case(CASE_ID).body
    assert case["slas"][0]["name"] == "resolve-urgent"
    assert [c["caseId"] for c in agent.customer_cases("cust-1").body["items"]] == [CASE_ID]
    assert [c["caseId"] for c in agent.list_cases(assignee="p-demo-agent").body["items"]] == [CASE_ID]
    assert [c["caseId"] for c in agent.list_cases(queue="billing").body["items"]] == [CASE_ID]
    assert [i["type"] for i in agent.timeline(CASE_ID, type="comment").body["items"]] == ["comment"]
    assert len(agent.audit(CASE_ID).body["items"]) >= 4
    assert len(agent.case_tasks(CASE_ID).body["items"]) == 1


def test_the_migration_is_idempotent_and_resumes_where_it_stopped():
    # Given a run cut short after one page of one item
    first = migrate(page_size=1).run(max_pages=1)
    assert not first["done"] and first["steps"]["tenant-directory"]["done"]  # the access table holds one item
    # When it is run again, it continues each unfinished step from its checkpoint and finishes
    second = migrate(page_size=1).run()
    assert second["done"]
    assert second["steps"]["case-index-keys"]["read"] == len(MAIN["tables"]["CASES_TABLE_NAME"])  # nothing read twice
    # And a third run, on a migrated table, rewrites nothing
    assert all(step["done"] for step in migrate().run()["steps"].values())
    for step in ("case-index-keys", "task-index-keys"):
        table("ACCESS_TABLE_NAME").put({**keys.migration_checkpoint_item("2026-12-key-design", step), "read": 0, "rewritten": 0, "done": False})
    again = migrate().run()
    assert again["steps"]["case-index-keys"]["rewritten"] == again["steps"]["task-index-keys"]["rewritten"] == 0


def test_the_keys_of_an_index_the_table_no_longer_declares_are_removed():
    from casetrail.store.tables import CASES_TABLE

    # Given the cases table without its tenant-wide index (served by search since #13)
    declared = CASES_TABLE.indexes
    object.__setattr__(CASES_TABLE, "indexes", tuple(i for i in declared if i.name != "byTenant"))  # a frozen spec
    try:
        # When the migration runs
        assert migrate().run()["done"]
    finally:
        object.__setattr__(CASES_TABLE, "indexes", declared)
    # Then the case item no longer carries that index's keys (bytes every write would pay for)
    item = table("CASES_TABLE_NAME").get(keys.case_item("demo", CASE_ID))
    assert "byTenantpk" not in item and "byTenantsk" not in item and "byCustomerpk" in item
