"""Reads what the task features wrote, straight from the tables (what the timeline API will serve)."""

from casetrail.store import keys
from casetrail.store.dynamo import Table
from casetrail.store.tables import CASES_TABLE, TASKS_TABLE
from tests.conftest import TEST_ENVIRONMENT


def _table(spec) -> Table:
    from casetrail.store.dynamo import dynamodb_client

    return Table(TEST_ENVIRONMENT[spec.env_var], dynamodb_client())


def timeline(tenant_id: str, case_id: str) -> list[dict]:
    items = _table(CASES_TABLE).query_all(pk=keys.case_partition(tenant_id, case_id))
    return [i for i in items if i["sk"].startswith(keys.CASE_TIMELINE_PREFIX)]


def case_audit_events(tenant_id: str, case_id: str) -> list[dict]:
    items = _table(CASES_TABLE).query_all(pk=keys.case_partition(tenant_id, case_id))
    return [i["change"] for i in items if i.get("entity") == "AUDIT"]


def task_audit_events(tenant_id: str, task_id: str) -> list[dict]:
    items = _table(TASKS_TABLE).query_all(pk=keys.task_partition(tenant_id, task_id))
    return [i["change"] for i in items if i.get("entity") == "AUDIT"]
