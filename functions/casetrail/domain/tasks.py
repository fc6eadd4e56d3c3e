"""Tasks: the models, and the pure functions that turn a command into a change.

A task change is its audit record and its event (TASK.*). For a task linked to a case, that record
is written in the case's audit (bumping the case version) together with a `task` entry on the
case's timeline; a standalone task keeps its audit records in the tasks table.
"""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import Field, StrictBool, model_validator

from casetrail.domain.cases import Case, Description
from casetrail.domain.errors import Conflict, InvalidRequest, InvalidTransition
from casetrail.domain.events import ChangeType, FieldChange, PerformedBy
from casetrail.domain.identity import Principal
from casetrail.domain.instants import Instant
from casetrail.domain.model_base import CamelModel, CommandModel, Identifier, bounded_text
from casetrail.domain.statuses import Priority
from casetrail.domain.task_references import References
from casetrail.domain.task_statuses import ACTIVE, TaskStatus, can_move

TaskName = bounded_text(200)


class TaskAction(StrEnum):
    """What a `task` entry on a case's timeline records."""

    CREATED = "created"
    ASSIGNED = "assigned"
    CLAIMED = "claimed"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    OVERDUE = "overdue"


class NewTask(CommandModel):
    """Body of POST /tasks and POST /cases/{caseId}/tasks: an assignee (an agent), a queue, or both.
    With a templateId, the template's defaults fill the fields left out and its rules apply
    (domain/task_templates.py); without one, name is required."""

    template_id: Identifier | None = Field(default=None, description="Create the task from this task template")
    name: TaskName | None = None
    description: Description | None = None
    assignee: Identifier | None = None
    queue: Identifier | None = None
    priority: Priority = Priority.NORMAL
    due_at: Instant | None = None
    scheduled_for: Instant | None = Field(default=None, description="Not workable before this time")
    references: References = Field(default_factory=dict)


    @model_validator(mode="after")
    def _complete_without_template(self):
        # With a template, these are checked once its defaults are in (task_templates.apply_template).
        if self.template_id is not None:
            return self
        if self.name is None:
            raise ValueError("name is required (or give a templateId)")
        if self.assignee is None and self.queue is None:
            raise ValueError("a task needs an assignee or a queue")
        return self


class TaskPatch(CommandModel):
    """Body of PATCH /tasks/{taskId}: only the fields present change; null clears an optional one."""

    name: TaskName | None = None
    description: Description | None = None
    assignee: Identifier | None = None
    queue: Identifier | None = None
    status: TaskStatus | None = None
    priority: Priority | None = None
    due_at: Instant | None = None
    scheduled_for: Instant | None = None
    references: References | None = None
    reopen: StrictBool = Field(default=False, description="Required to move a done or cancelled task back to work")


    @model_validator(mode="after")
    def _required_fields_stay_set(self):
        for name in ("name", "status", "priority", "references"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        if not self.model_fields_set - {"reopen"}:
            raise ValueError("the patch changes nothing: send at least one field")
        return self


class Task(CamelModel):
    """A task as stored, returned by the API and carried in events."""

    task_id: str
    tenant_id: str
    case_id: str | None = None
    template_id: str | None = Field(default=None, description="The task template it was made from")
    name: str
    description: str | None = None
    assignee: str | None = None
    queue: str | None = None
    status: TaskStatus = TaskStatus.OPEN
    priority: Priority = Priority.NORMAL
    due_at: datetime | None = None
    scheduled_for: datetime | None = None
    references: References = Field(default_factory=dict)
    version: int = Field(ge=1)
    created_at: datetime
    updated_at: datetime
    created_by: PerformedBy
    updated_by: str
    completed_at: datetime | None = None
    cancelled_at: datetime | None = None
    overdue_at: datetime | None = Field(default=None, description="When the task was flagged overdue (once)")

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE


class TaskChange(CamelModel):
    """One change to a task: its audit record and the `detail` of its EventBridge event."""

    version: Literal["0"] = "0"
    event_id: str
    event_type: ChangeType
    action: TaskAction | None = Field(default=None, description="The timeline action, when the change has one")
    approximate_change_time: datetime
    tenant_id: str
    task_id: str
    task_version: int
    case_id: str | None = None
    case_version: int | None = Field(default=None, description="For a linked task: the case version it made")
    changed_field_ids: list[str]
    changes: list[FieldChange]
    performed_by: PerformedBy
    task: Task = Field(description="The task's fields after the change")
    case: Case | None = Field(default=None, description="For a linked task: the case after the change")

    def on_case(self, case: Case) -> "TaskChange":
        """This change recorded on its (freshly read) case: the case moves to its next version."""
        after = case.model_copy(
            update={
                "version": case.version + 1,
                "updated_at": self.approximate_change_time,
                "updated_by": self.performed_by.principal_id,
            }
        )
        return self.model_copy(update={"case": after, "case_version": after.version})


# Fields a client may never set directly: identity, bookkeeping and derived values.
_SYSTEM_FIELDS = {"task_id", "tenant_id", "case_id", "template_id", "version", "created_at", "updated_at", "created_by", "updated_by"}


def new_task(command: NewTask, *, task_id: str, case_id: str | None, by: Principal, at: datetime) -> TaskChange:
    if command.scheduled_for is not None and command.scheduled_for <= at:
        raise InvalidRequest("scheduledFor must be in the future", details={"field": "scheduledFor"})
    task = Task(
        task_id=task_id,
        tenant_id=by.tenant_id,
        case_id=case_id,
        version=1,
        created_at=at,
        updated_at=at,
        created_by=PerformedBy.of(by),
        updated_by=by.principal_id,
        **command.model_dump(),
    )
    before = {name: None for name in _comparable(task)}
    return _record(ChangeType.TASK_CREATED, TaskAction.CREATED, before, task, by=by, at=at)


def update_task(task: Task, patch: TaskPatch, *, by: Principal, at: datetime) -> TaskChange | None:
    """Applies a patch; returns None when it changes nothing (no new version, no audit, no event)."""
    requested = {name: getattr(patch, name) for name in patch.model_fields_set if name != "reopen"}
    updated = task.model_copy(update=requested)
    if patch.status is not None and patch.status != task.status:
        updated = _move(task, updated, patch.status, reopen=patch.reopen, at=at)
    if updated.assignee is None and updated.queue is None:
        raise InvalidRequest("a task needs an assignee or a queue")
    if _comparable(updated) == _comparable(task):
        return None
    event_type, action = _classify(task, updated)
    return _record(event_type, action, _comparable(task), _bump(updated, by, at), by=by, at=at)


def claim_task(task: Task, *, by: Principal, at: datetime) -> TaskChange:
    """The calling agent takes a queued task. Only an open, unassigned task can be claimed."""
    if task.assignee is not None:
        raise TaskAlreadyClaimed(f"task {task.task_id} is already assigned", details={"assignee": task.assignee})
    if task.status is not TaskStatus.OPEN:
        raise InvalidTransition(f"a {task.status.value} task cannot be claimed", details={"from": task.status.value})
    _workable(task, at)
    updated = _bump(task.model_copy(update={"assignee": by.principal_id}), by, at)
    return _record(ChangeType.TASK_ASSIGNED, TaskAction.CLAIMED, _comparable(task), updated, by=by, at=at)


def flag_overdue(task: Task, *, by: Principal, at: datetime) -> TaskChange | None:
    """Flags a task still being worked on past its due time; None when it is not (or already) overdue."""
    if not task.is_active or task.due_at is None or task.due_at > at or task.overdue_at is not None:
        return None
    updated = _bump(task.model_copy(update={"overdue_at": at}), by, at)
    return _record(ChangeType.TASK_OVERDUE, TaskAction.OVERDUE, _comparable(task), updated, by=by, at=at)


def cancel_with_case(task: Task, *, by: Principal, at: datetime) -> TaskChange:
    """Cancels an open task because its case is being resolved or closed (openTasks=cancel)."""
    updated = _bump(_move(task, task, TaskStatus.CANCELLED, reopen=False, at=at), by, at)
    return _record(ChangeType.TASK_CANCELLED, TaskAction.CANCELLED, _comparable(task), updated, by=by, at=at)


class TaskAlreadyClaimed(Conflict):
    code = "TASK_ALREADY_CLAIMED"


class TaskNotYetWorkable(Conflict):
    code = "TASK_NOT_YET_WORKABLE"


def _move(before: Task, after: Task, target: TaskStatus, *, reopen: bool, at: datetime) -> Task:
    if not can_move(before.status, target, reopen=reopen):
        hint = " (send reopen: true to reopen it)" if not reopen and before.status not in ACTIVE else ""
        raise InvalidTransition(
            f"a task cannot move from {before.status.value} to {target.value}{hint}",
            details={"from": before.status.value, "to": target.value},
        )
    if target is not TaskStatus.CANCELLED:
        _workable(before, at)
    update: dict[str, Any] = {"status": target, "completed_at": None, "cancelled_at": None}
    if target is TaskStatus.DONE:
        update["completed_at"] = at
    if target is TaskStatus.CANCELLED:
        update["cancelled_at"] = at
    return after.model_copy(update=update)


def _workable(task: Task, at: datetime) -> None:
    if task.scheduled_for is not None and task.scheduled_for > at:
        raise TaskNotYetWorkable(
            f"task {task.task_id} is scheduled for {task.scheduled_for.isoformat()}",
            details={"scheduledFor": task.scheduled_for.isoformat()},
        )


def _classify(before: Task, after: Task) -> tuple[ChangeType, TaskAction | None]:
    if after.status is not before.status and after.status is TaskStatus.DONE:
        return ChangeType.TASK_COMPLETED, TaskAction.COMPLETED
    if after.status is not before.status and after.status is TaskStatus.CANCELLED:
        return ChangeType.TASK_CANCELLED, TaskAction.CANCELLED
    if after.assignee != before.assignee and after.assignee is not None:
        return ChangeType.TASK_ASSIGNED, TaskAction.ASSIGNED
    return ChangeType.TASK_UPDATED, None


def _bump(task: Task, by: Principal, at: datetime) -> Task:
    return task.model_copy(update={"version": task.version + 1, "updated_at": at, "updated_by": by.principal_id})


def _record(
    event_type: ChangeType, action: TaskAction | None, before: dict, task: Task, *, by: Principal, at: datetime
) -> TaskChange:
    after = _comparable(task)
    changes = [FieldChange.of(name, before[name], after[name]) for name in after if before[name] != after[name]]
    return TaskChange(
        event_id=str(uuid.uuid4()),
        event_type=event_type,
        action=action,
        approximate_change_time=at,
        tenant_id=task.tenant_id,
        task_id=task.task_id,
        task_version=task.version,
        case_id=task.case_id,
        changed_field_ids=[c.field_id for c in changes],
        changes=changes,
        performed_by=PerformedBy.of(by),
        task=task,
    )


def _comparable(task: Task) -> dict[str, Any]:
    return task.model_dump(mode="json", exclude=_SYSTEM_FIELDS)
