"""Tasks in DynamoDB: the only code that knows their keys, indexes and expressions.

A standalone task's change is one transaction in the tasks table (task + audit record, which the
table's stream publishes). A linked task's change is written by CaseRepository.save with the
operations built here (the task, on this table, and the `task` entry on the case's timeline), so
the task, the case's audit record and the timeline entry commit together.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from casetrail.domain.errors import InvalidRequest, TaskNotFound, VersionConflict
from casetrail.domain.events import ChangeType
from casetrail.domain.tasks import Task, TaskChange
from casetrail.store import keys
from casetrail.store.outbox import ENTITY_AUDIT
from casetrail.store.dynamo import ConditionFailed, InvalidPageToken, Page, Table, serialize
from casetrail.store.item_sizes import TASK_RECORD_BUDGET, require_within

ENTITY_TASK = "TASK"
ENTITY_RELATED_ITEM = "RELATED_ITEM"  # the timeline's item kind; a task entry is of type "task"
TIMELINE_TYPE_TASK = "task"


@dataclass(frozen=True)
class TaskPage:
    items: list[Task]
    next_token: str | None


class TaskRepository:
    def __init__(self, table: Table):
        self._table = table

    # --- reads -----------------------------------------------------------------------------

    def get(self, tenant_id: str, task_id: str) -> Task:
        item = self._table.get(keys.task_item(tenant_id, task_id))
        if item is None:
            raise TaskNotFound(f"task {task_id} was not found")
        return Task.model_validate(item)

    def work_list(
        self,
        tenant_id: str,
        *,
        status: str,
        assignee: str | None = None,
        queue: str | None = None,
        due_before: datetime | None = None,
        limit: int,
        next_token: str | None = None,
    ) -> TaskPage:
        """An agent's tasks, or a queue's unclaimed ones, in one status, soonest due first: one query."""
        index, partition = keys.task_work_list_partition(tenant_id, status=status, assignee=assignee, queue=queue)
        below = (f"{index}sk", keys.sortable_time(due_before)) if due_before else None
        page = self._query(
            partition_attribute=f"{index}pk",
            partition_value=partition,
            index=index,
            sort_below=below,
            limit=limit,
            page_token=next_token,
        )
        return TaskPage(items=[Task.model_validate(i) for i in page.items], next_token=page.next_token)

    def of_case(
        self, tenant_id: str, case_id: str, *, limit: int, next_token: str | None = None, active_only: bool = False
    ) -> TaskPage:
        """A case's tasks, active ones first, each group in creation order."""
        page = self._query(
            partition_attribute="byCasepk",
            partition_value=keys.case_tasks_partition(tenant_id, case_id),
            index="byCase",
            sort_prefix=("byCasesk", keys.CASE_TASKS_ACTIVE) if active_only else None,
            limit=limit,
            page_token=next_token,
        )
        return TaskPage(items=[Task.model_validate(i) for i in page.items], next_token=page.next_token)

    def due(self, tenant_id: str, shard: int, *, now: datetime, limit: int, next_token: str | None = None) -> TaskPage:
        """A tenant's active tasks not yet flagged whose due time has passed (the sweeper's read):
        tasks due later are never read, so a run costs what is due, not what exists."""
        page = self._table.query_page(
            partition_attribute="dueOpenpk",
            partition_value=keys.due_partition(tenant_id, shard),
            index="dueOpen",
            sort_below=("dueOpensk", keys.sortable_time(now)),
            limit=limit,
            page_token=next_token,
        )
        return TaskPage(items=[Task.model_validate(i) for i in page.items], next_token=page.next_token)

    def _query(self, **query: Any) -> Page:
        try:
            return self._table.query_page(**query)
        except InvalidPageToken as error:
            raise InvalidRequest("nextToken is not a token this query returned") from error

    # --- writes ----------------------------------------------------------------------------

    def save_standalone(self, change: TaskChange, *, within_budget: bool = False) -> None:
        """A task without a case: the task and its audit record (its event) in one transaction.
        `within_budget`: as CaseRepository.save, for TASK_RECORD_BUDGET."""
        try:
            self._table.transact([self._put_task(change, on_table=False, within_budget=within_budget), _put_new(_audit_item(change))])
        except ConditionFailed as error:
            raise _conflict(change) from error

    def linked_operations(self, change: TaskChange, *, within_budget: bool = False) -> list[dict[str, Any]]:
        """What a linked task's change adds to its case's transaction: the task (on this table) and,
        for a change with a timeline action, the `task` entry on the case's timeline."""
        operations = [self._put_task(change, on_table=True, within_budget=within_budget)]
        if change.action is not None:
            operations.append(_put_new(_timeline_item(change)))
        return operations

    def _put_task(self, change: TaskChange, *, on_table: bool, within_budget: bool) -> dict[str, Any]:
        task = change.task
        put: dict[str, Any] = {"Item": serialize(_task_item(task))}
        if within_budget:
            require_within(put["Item"], TASK_RECORD_BUDGET, "task")
        if on_table:
            put["TableName"] = self._table.name
        if task.version == 1:
            put["ConditionExpression"] = "attribute_not_exists(pk)"
            return {"Put": put}
        # The version the change was computed from; a first overdue flag also needs none before it,
        # so two sweeps of the same task cannot both publish TASK.OVERDUE.
        condition = "version = :read_version"
        if change.event_type is ChangeType.TASK_OVERDUE:
            condition += " AND attribute_not_exists(overdueAt)"
        put["ConditionExpression"] = condition
        put["ExpressionAttributeValues"] = {":read_version": {"N": str(task.version - 1)}}
        return {"Put": put}


def _conflict(change: TaskChange) -> VersionConflict:
    return VersionConflict(
        f"task {change.task_id} changed since version {change.task_version - 1} was read",
        details={"taskId": change.task_id},
    )


def _task_item(task: Task) -> dict[str, Any]:
    due_at = keys.sortable_time(task.due_at) if task.due_at else None
    index_keys = keys.task_work_list_keys(
        task.tenant_id,
        task_id=task.task_id,
        status=task.status.value,
        due_at=due_at,
        assignee=task.assignee,
        queue=task.queue,
    )
    if task.case_id:
        index_keys["byCasepk"] = keys.case_tasks_partition(task.tenant_id, task.case_id)
        index_keys["byCasesk"] = keys.case_tasks_sort_key(
            task.is_active, keys.sortable_time(task.created_at), task.task_id
        )
    if task.is_active and due_at and task.overdue_at is None:
        index_keys["dueOpenpk"] = keys.due_partition(task.tenant_id, keys.due_shard(task.task_id))
        index_keys["dueOpensk"] = keys.due_sort_key(due_at, task.task_id)
    return {**keys.task_item(task.tenant_id, task.task_id), "entity": ENTITY_TASK, **index_keys, **task.to_wire()}


def _audit_item(change: TaskChange) -> dict[str, Any]:
    return {
        **keys.task_audit_item(change.tenant_id, change.task_id, change.task_version),
        "entity": ENTITY_AUDIT,
        "change": change.to_wire(),
    }


def _timeline_item(change: TaskChange) -> dict[str, Any]:
    task = change.task
    wire = change.to_wire()
    created_at = keys.sortable_time(change.approximate_change_time)
    return {
        **keys.case_timeline_item(change.tenant_id, task.case_id, created_at, change.event_id),
        # Also in the by-type index, so ?type=task lists a case's task entries.
        **keys.case_timeline_by_type(change.tenant_id, task.case_id, TIMELINE_TYPE_TASK, created_at, change.event_id),
        "entity": ENTITY_RELATED_ITEM,
        "relatedItemId": change.event_id,
        "caseId": task.case_id,
        "tenantId": change.tenant_id,
        "type": TIMELINE_TYPE_TASK,
        "content": {
            "taskId": task.task_id,
            "name": task.name,
            "action": change.action.value,
            "status": task.status.value,
            "assignee": task.assignee,
            "queue": task.queue,
            "dueAt": wire["task"]["dueAt"],
        },
        "createdAt": wire["approximateChangeTime"],
        "createdBy": wire["performedBy"],
    }


def _put_new(item: dict[str, Any]) -> dict[str, Any]:
    return {"Put": {"Item": serialize(item), "ConditionExpression": "attribute_not_exists(pk)"}}
