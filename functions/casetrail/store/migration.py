"""`casetrail-admin migrate`: brings items written by an earlier key design to the current one.

The key design of issue #13 changed four things items carry: the due indexes' keys (per tenant
and shard instead of four partitions shared by every tenant), the index keys a case item carries
(only those of the indexes the table still declares, the list indexes sharing their sort key:
store/tables.py), the tenant directory the sweepers walk, and the metrics aggregates' partition key
(the shard moved into it: store/keys.py METRIC_SHARDS). Each index-key step rewrites only the
index-key attributes of an item, computed by the very functions that write new items
(store/cases.py, store/tasks.py), so migrated and new items cannot differ. The metrics step moves
each aggregate item of a tenant's retired dimension partition into its shard's partition (an ADD
and the old item's delete in one transaction, conditional on the old item holding what was read:
store/metrics.py), so each is counted exactly once however often the step runs or stops.

The index-key steps read their table with a Scan, on purpose: this is an operator's one-off, never
a request, and nothing else can find items written under keys nobody queries any more (the metrics
step needs none: it Queries the retired partitions of each tenant of the directory). A step is:
- idempotent: an item already in the current design is left alone (a second run rewrites nothing);
- safe beside live traffic: each rewrite is conditional on the item's version being the one read
  (a metrics item's move, on its counters), so a change made meanwhile is never overwritten or
  lost: it is re-read;
- resumable: after each page, the step's position (the Scan's LastEvaluatedKey; the metrics step's
  tenant, dimension and Query position) is saved in a checkpoint item of the access table; a new
  run starts each step where the last one stopped, and skips the steps it finished;
- observable: a progress line per page (items read, items rewritten), and a summary at the end.
"""

import json
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from casetrail.domain.cases import Case
from casetrail.domain.metrics import GroupBy
from casetrail.domain.tasks import Task
from casetrail.store import keys
from casetrail.store.access import AccessRepository
from casetrail.store.cases import ENTITY_CASE, _case_item
from casetrail.store.dynamo import Table, deserialize, serialize
from casetrail.store.metrics import MetricsRepository
from casetrail.store.tables import CASES_TABLE, TASKS_TABLE, TableSpec
from casetrail.store.tasks import ENTITY_TASK, _task_item

MIGRATION = "2026-12-key-design"  # issue #13
METRICS_STEP = "metrics-shards"
_DIMENSIONS = tuple(group_by.value for group_by in GroupBy)  # the aggregates' dimensions, in a fixed order
PAGE_SIZE = 200
_REREADS = 5  # a busy item's rewrite is retried on a fresh read this often, then left to a re-run


class KeyDesignMigration:
    def __init__(self, *, cases: Table, tasks: Table, access: Table, metrics: Table, progress: Callable[[str], None] = print, page_size: int = PAGE_SIZE):
        self._access = access
        self._metrics = MetricsRepository(metrics)
        self._progress = progress
        self._page_size = page_size
        self._steps = (
            ("tenant-directory", access, self._tenant_directory),
            ("case-index-keys", cases, _index_keys_rewrite(cases, ENTITY_CASE, lambda item: _case_item(Case.model_validate(item)), lambda: _index_key_names(CASES_TABLE, RETIRED_CASE_INDEX_KEYS))),
            ("task-index-keys", tasks, _index_keys_rewrite(tasks, ENTITY_TASK, lambda item: _task_item(Task.model_validate(item)), lambda: _index_key_names(TASKS_TABLE))),
            (METRICS_STEP, None, None),  # after the tenant directory: it walks the tenants
        )

    def run(self, *, max_pages: int | None = None) -> dict[str, Any]:
        """Runs every unfinished step from its checkpoint; `max_pages` stops early (a run cut short,
        as an interrupted one would be). Returns each step's totals and whether it is done."""
        summary: dict[str, Any] = {"migration": MIGRATION, "steps": {}}
        for name, table, rewrite in self._steps:
            if name == METRICS_STEP:
                summary["steps"][name] = totals = self._metrics_shards(max_pages)
            else:
                summary["steps"][name] = totals = self._step(name, table, rewrite, max_pages)
            if not totals["done"]:
                break  # later steps wait: a re-run continues this one first
        summary["done"] = all(step["done"] for step in summary["steps"].values()) and len(summary["steps"]) == len(self._steps)
        return summary

    def _step(self, name: str, table: Table, rewrite: Callable[[dict], bool], max_pages: int | None) -> dict[str, Any]:
        checkpoint_key = keys.migration_checkpoint_item(MIGRATION, name)
        checkpoint = self._access.get(checkpoint_key) or {"read": 0, "rewritten": 0, "done": False}
        if checkpoint["done"]:
            self._progress(f"{name}: done before ({checkpoint['read']} read, {checkpoint['rewritten']} rewritten)")
            return {"read": checkpoint["read"], "rewritten": checkpoint["rewritten"], "done": True}
        request: dict[str, Any] = {"TableName": table.name, "Limit": self._page_size, "ConsistentRead": True}
        if checkpoint.get("lastKey"):
            request["ExclusiveStartKey"] = json.loads(checkpoint["lastKey"])
            self._progress(f"{name}: resuming after {checkpoint['read']} items")
        pages = 0
        while True:
            response = table.client.scan(**request)
            checkpoint["read"] += len(response.get("Items", []))
            checkpoint["rewritten"] += sum(rewrite(deserialize(item)) for item in response.get("Items", []))
            last = response.get("LastEvaluatedKey")
            checkpoint["done"] = last is None
            checkpoint["lastKey"] = json.dumps(last) if last else None
            self._access.put({**checkpoint_key, **checkpoint})
            self._progress(f"{name}: {checkpoint['read']} items read, {checkpoint['rewritten']} rewritten{' (done)' if last is None else ''}")
            pages += 1
            if last is None or (max_pages is not None and pages >= max_pages):
                return {"read": checkpoint["read"], "rewritten": checkpoint["rewritten"], "done": checkpoint["done"]}
            request["ExclusiveStartKey"] = last

    def _metrics_shards(self, max_pages: int | None) -> dict[str, Any]:
        """Moves every tenant's aggregates out of its retired per-dimension partitions, a Query page
        at a time, tenant by tenant (the directory's order) and dimension by dimension; the
        checkpoint holds the last page's (tenant, dimension, Query position)."""
        checkpoint_key = keys.migration_checkpoint_item(MIGRATION, METRICS_STEP)
        checkpoint = self._access.get(checkpoint_key) or {"read": 0, "rewritten": 0, "done": False}
        if checkpoint["done"]:
            self._progress(f"{METRICS_STEP}: done before ({checkpoint['read']} read, {checkpoint['rewritten']} rewritten)")
            return {"read": checkpoint["read"], "rewritten": checkpoint["rewritten"], "done": True}
        resume = json.loads(checkpoint["lastKey"]) if checkpoint.get("lastKey") else None
        if resume:
            self._progress(f"{METRICS_STEP}: resuming after {checkpoint['read']} items (tenant {resume['tenant']}, {resume['dimension']})")
        pages = 0
        for tenant_id in AccessRepository(self._access).tenant_ids():
            for number, dimension in enumerate(_DIMENSIONS):
                start_key = None
                if resume:
                    done_before = (tenant_id, number) < (resume["tenant"], _DIMENSIONS.index(resume["dimension"]))
                    if done_before or ((tenant_id, dimension) == (resume["tenant"], resume["dimension"]) and resume["startKey"] is None):
                        continue
                    start_key, resume = resume["startKey"], None
                while True:
                    items, start_key = self._metrics.retired_aggregates_page(tenant_id, dimension, self._page_size, start_key)
                    checkpoint["read"] += len(items)
                    checkpoint["rewritten"] += sum(self._metrics.move_retired_aggregate(tenant_id, dimension, item) for item in items)
                    checkpoint["lastKey"] = json.dumps({"tenant": tenant_id, "dimension": dimension, "startKey": start_key})
                    self._access.put({**checkpoint_key, **checkpoint})
                    if items:  # most tenants' retired partitions are empty: a line for each would bury the rest
                        self._progress(f"{METRICS_STEP}: {checkpoint['read']} items read, {checkpoint['rewritten']} moved into shard partitions (tenant {tenant_id}, {dimension})")
                    pages += 1
                    if max_pages is not None and pages >= max_pages:
                        return {"read": checkpoint["read"], "rewritten": checkpoint["rewritten"], "done": False}
                    if start_key is None:
                        break
        checkpoint["done"], checkpoint["lastKey"] = True, None
        self._access.put({**checkpoint_key, **checkpoint})
        self._progress(f"{METRICS_STEP}: {checkpoint['read']} items read, {checkpoint['rewritten']} moved (done)")
        return {"read": checkpoint["read"], "rewritten": checkpoint["rewritten"], "done": True}

    def _tenant_directory(self, item: dict[str, Any]) -> bool:
        if item.get("sk") != keys.tenant_item(item.get("tenantId", ""))["sk"] or not item["pk"].startswith(keys.TENANT_PREFIX):
            return False
        entry = keys.tenant_directory_item(item["tenantId"])
        if self._access.get(entry):
            return False
        self._access.put({**entry, "tenantId": item["tenantId"]})
        return True


def _index_keys_rewrite(table: Table, entity: str, current_item: Callable[[dict], dict[str, Any]], index_keys: Callable[[], frozenset[str]]) -> Callable[[dict], bool]:
    """Rewrites an item's index-key attributes to what the current code would write for it."""

    def rewrite(item: dict[str, Any]) -> bool:
        names = index_keys()
        for _ in range(_REREADS):
            if item is None or item.get("entity") != entity:
                return False
            wanted = {name: value for name, value in current_item(item).items() if name in names}
            stale = sorted(name for name in item if name in names and name not in wanted)
            moved = {name: value for name, value in wanted.items() if item.get(name) != value}
            if not stale and not moved:
                return False
            try:
                _update_index_keys(table, item, moved, stale)
                return True
            except ClientError as error:
                if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                    raise
                item = table.get({"pk": item["pk"], "sk": item["sk"]})  # changed meanwhile: look again
        return False

    return rewrite


# The index-key attributes case items carried before #13 and carry no more: those of the indexes the
# search port serves, and the list indexes' own sort keys (one shared attribute since).
RETIRED_CASE_INDEX_KEYS = frozenset(
    {f"{index}{part}" for index in ("byTenant", "byStatus", "byTemplate", "byCategory", "byPriority", "byUpdated") for part in ("pk", "sk")}
    | {"byCustomersk", "byAssigneesk", "byQueuesk", "byAssigneeUpdatedpk"}
)


def _index_key_names(spec: TableSpec, retired: frozenset[str] = frozenset()) -> frozenset[str]:
    return frozenset({name for index in spec.indexes for name in (index.partition_key, index.sort_key)} | retired)


def _update_index_keys(table: Table, item: dict[str, Any], moved: dict[str, str], stale: list[str]) -> None:
    names = {f"#n{i}": name for i, name in enumerate([*moved, *stale])}
    by_name = {name: alias for alias, name in names.items()}
    clauses = []
    if moved:
        clauses.append("SET " + ", ".join(f"{by_name[name]} = :v{i}" for i, name in enumerate(moved)))
    if stale:
        clauses.append("REMOVE " + ", ".join(by_name[name] for name in stale))
    values = {f":v{i}": serialize({"v": value})["v"] for i, value in enumerate(moved.values())}
    values[":version"] = {"N": str(item["version"])}
    table.client.update_item(
        TableName=table.name,
        Key=serialize({"pk": item["pk"], "sk": item["sk"]}),
        UpdateExpression=" ".join(clauses),
        ConditionExpression="version = :version",
        ExpressionAttributeNames={**names},
        ExpressionAttributeValues=values,
    )
