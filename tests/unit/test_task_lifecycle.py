"""Tasks' rules, pure: the state machine, claims, schedules, overdue flags and typed references."""

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from casetrail.domain.errors import InvalidRequest, InvalidTransition
from casetrail.domain.events import ChangeType
from casetrail.domain.identity import Principal, Role
from casetrail.domain.task_statuses import TaskStatus, can_move
from casetrail.domain.tasks import (
    NewTask,
    TaskAction,
    TaskAlreadyClaimed,
    TaskNotYetWorkable,
    TaskPatch,
    claim_task,
    flag_overdue,
    new_task,
    update_task,
)

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
ANA = Principal(tenant_id="demo", principal_id="p-ana", name="Ana", role=Role.AGENT)
BOB = Principal(tenant_id="demo", principal_id="p-bob", name="Bob", role=Role.AGENT)


def _task(**fields):
    command = NewTask(**{"name": "Call back", "queue": "billing", **fields})
    return new_task(command, task_id="t-1", case_id=None, by=ANA, at=NOW).task


@pytest.mark.parametrize(
    ("current", "target", "reopen", "allowed"),
    [
        (TaskStatus.OPEN, TaskStatus.IN_PROGRESS, False, True),
        (TaskStatus.OPEN, TaskStatus.DONE, False, True),
        (TaskStatus.IN_PROGRESS, TaskStatus.OPEN, False, True),
        (TaskStatus.IN_PROGRESS, TaskStatus.CANCELLED, False, True),
        (TaskStatus.CANCELLED, TaskStatus.OPEN, False, False),
        (TaskStatus.CANCELLED, TaskStatus.OPEN, True, True),
        (TaskStatus.DONE, TaskStatus.IN_PROGRESS, False, False),
        (TaskStatus.DONE, TaskStatus.IN_PROGRESS, True, True),
        (TaskStatus.DONE, TaskStatus.CANCELLED, True, False),
    ],
)
def test_the_state_machine(current, target, reopen, allowed):
    assert can_move(current, target, reopen=reopen) is allowed


def test_a_new_task_is_open_at_version_one_and_its_change_says_created():
    change = new_task(NewTask(name="Call back", assignee="p-ana"), task_id="t-1", case_id="c-1", by=ANA, at=NOW)

    assert change.task.status is TaskStatus.OPEN and change.task.version == 1
    assert change.event_type is ChangeType.TASK_CREATED and change.action is TaskAction.CREATED
    assert "name" in change.changed_field_ids


def test_completing_stamps_the_time_and_is_a_completed_change():
    change = update_task(_task(), TaskPatch(status=TaskStatus.DONE), by=ANA, at=NOW)

    assert change.task.completed_at == NOW and change.task.version == 2
    assert change.event_type is ChangeType.TASK_COMPLETED


def test_reopening_a_cancelled_task_without_saying_so_is_refused():
    cancelled = update_task(_task(), TaskPatch(status=TaskStatus.CANCELLED), by=ANA, at=NOW).task

    with pytest.raises(InvalidTransition):
        update_task(cancelled, TaskPatch(status=TaskStatus.OPEN), by=ANA, at=NOW)
    assert update_task(cancelled, TaskPatch(status=TaskStatus.OPEN, reopen=True), by=ANA, at=NOW).task.status is TaskStatus.OPEN


def test_a_patch_that_changes_nothing_is_no_change():
    assert update_task(_task(), TaskPatch(queue="billing"), by=ANA, at=NOW) is None


def test_a_task_cannot_lose_both_its_assignee_and_its_queue():
    with pytest.raises(InvalidRequest):
        update_task(_task(), TaskPatch(queue=None), by=ANA, at=NOW)


def test_claiming_assigns_the_claimer_once():
    claimed = claim_task(_task(), by=ANA, at=NOW)

    assert claimed.task.assignee == "p-ana" and claimed.action is TaskAction.CLAIMED
    with pytest.raises(TaskAlreadyClaimed):
        claim_task(claimed.task, by=BOB, at=NOW)


def test_a_scheduled_task_is_not_workable_before_its_time_but_can_be_cancelled():
    task = _task(scheduled_for=NOW + timedelta(days=3))

    with pytest.raises(TaskNotYetWorkable):
        claim_task(task, by=ANA, at=NOW)
    with pytest.raises(TaskNotYetWorkable):
        update_task(task, TaskPatch(status=TaskStatus.DONE), by=ANA, at=NOW)
    assert update_task(task, TaskPatch(status=TaskStatus.CANCELLED), by=ANA, at=NOW).task.status is TaskStatus.CANCELLED
    assert claim_task(task, by=ANA, at=NOW + timedelta(days=3)).task.assignee == "p-ana"


def test_scheduled_for_must_be_in_the_future():
    with pytest.raises(InvalidRequest):
        _task(scheduled_for=NOW - timedelta(minutes=1))


def test_a_task_is_flagged_overdue_once_and_only_when_due_and_active():
    task = _task(due_at=NOW + timedelta(minutes=5))

    assert flag_overdue(task, by=ANA, at=NOW) is None
    flagged = flag_overdue(task, by=ANA, at=NOW + timedelta(minutes=5))
    assert flagged.event_type is ChangeType.TASK_OVERDUE and flagged.task.overdue_at == NOW + timedelta(minutes=5)
    assert flag_overdue(flagged.task, by=ANA, at=NOW + timedelta(hours=1)) is None
    done = update_task(task, TaskPatch(status=TaskStatus.DONE), by=ANA, at=NOW).task
    assert flag_overdue(done, by=ANA, at=NOW + timedelta(hours=1)) is None


def test_due_times_are_kept_in_utc():
    task = _task(due_at=datetime.fromisoformat("2026-11-26T12:00:00+02:00"))

    assert task.due_at == datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("kind", "value", "valid"),
    [
        ("url", "https://crm.example.com/c/1", True),
        ("url", "ftp://x", False),
        ("number", "12.5", True),
        ("number", "twelve", False),
        ("number", "nan", False),
        ("date", "2026-11-25", True),
        ("date", "25/11/2026", False),
        ("email", "ana@example.com", True),
        ("email", "ana@", False),
        ("string", "anything", True),
    ],
)
def test_references_are_checked_against_their_type(kind, value, valid):
    build = lambda: NewTask(name="x", queue="q", references={"ref": {"type": kind, "value": value}})  # noqa: E731
    if valid:
        assert build().references["ref"].value == value
    else:
        with pytest.raises(ValidationError):
            build()
