"""Bulk changes of cases and tasks (supervisors and admins). Each item goes through the service's
own update (CaseService.update, TaskService.update): the same checks, one transaction, audit record
and event per item; nothing here writes a case or a task itself."""

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from casetrail.domain.bulk_changes import (
    ITEMS_PER_REQUEST,
    BulkAnswer,
    BulkCaseChange,
    BulkJob,
    BulkJobNotFound,
    BulkTaskChange,
    CaseFilter,
    TaskFilter,
    ItemResult,
    JobKind,
    Outcome,
    result_of_error,
)
from casetrail.domain.cases import CasePatch
from casetrail.domain.errors import CasetrailError, ConcurrentChange, InvalidRequest
from casetrail.domain.identity import Principal, require_supervising
from casetrail.domain.tasks import TaskPatch
from casetrail.service.case_closure import OpenTasksChoice
from casetrail.service.cases import CaseService, Clock, utc_now
from casetrail.service.tasks import TaskService
from casetrail.store.bulk_jobs import BulkJobRepository
from casetrail.store.cases import CaseSearch

# A filter's page: small enough that a part stops near ITEMS_PER_REQUEST, never inside a page.
_PAGE = 25
# A filtered page may hold few or no items (the filter runs after DynamoDB's Limit): bound the
# empty pages one request reads, then answer with the job to continue.
_MAX_PAGES_PER_REQUEST = 40

# (id, expected version or None for the current one) → (the item after, whether it changed)
Change = Callable[[str, int | None], tuple[Any, bool]]
Lister = Callable[[int, str | None], Any]  # (limit, cursor) → a page with items and next_token
# Milliseconds this invocation has left (the Lambda context's); a part ends before a page that
# might not fit, so the function's timeout never cuts a part short (its cursor would be lost).
TimeLeft = Callable[[], int]
_RESERVE_MS = 4_000  # a page of 25 items at a few tens of ms each, plus saving the job


def _unlimited() -> int:
    return 1 << 30


class BulkChangeService:
    def __init__(self, jobs: BulkJobRepository, cases: CaseService, tasks: TaskService, clock: Clock = utc_now, time_left: TimeLeft = _unlimited):
        self._jobs = jobs
        self._cases = cases
        self._tasks = tasks
        self._clock = clock
        self._time_left = time_left

    def change_cases(self, principal: Principal, request: BulkCaseChange) -> BulkAnswer:
        require_supervising(principal, "change cases in bulk")
        if request.case_ids is not None:
            change = self._case_change(principal, request.patch.model_dump(exclude_unset=True), request.open_tasks)
            return BulkAnswer.of([_attempt(change, i, (request.expected_versions or {}).get(i)) for i in request.case_ids])
        return self._start(principal, JobKind.CASES, request.filter.to_wire_compact(), request.patch.model_dump(exclude_unset=True), request.open_tasks)

    def change_tasks(self, principal: Principal, request: BulkTaskChange) -> BulkAnswer:
        require_supervising(principal, "change tasks in bulk")
        if request.task_ids is not None:
            change = self._task_change(principal, request.patch.model_dump(exclude_unset=True))
            return BulkAnswer.of([_attempt(change, i, (request.expected_versions or {}).get(i)) for i in request.task_ids])
        if (request.filter.assignee is None) == (request.filter.queue is None):
            raise InvalidRequest("a task filter names either an assignee or a queue (the work lists GET /tasks serves)")
        return self._start(principal, JobKind.TASKS, request.filter.to_wire_compact(), request.patch.model_dump(exclude_unset=True), None)

    def job(self, principal: Principal, kind: JobKind, job_id: str) -> BulkJob:
        require_supervising(principal, "read bulk changes")
        return self._own(principal, kind, job_id)

    def resume(self, principal: Principal, kind: JobKind, job_id: str) -> BulkAnswer:
        """Runs the next part of a job; a finished job answers its totals and changes nothing."""
        require_supervising(principal, "change in bulk")
        job = self._own(principal, kind, job_id)
        if job.cursor is None:
            return BulkAnswer.of([], job)
        return self._run_part(principal, job)

    def run_next_part(self, tenant_id: str, job_id: str, after_part: int) -> BulkJob | None:
        """The bulk-job worker's step, on a BULK_JOB.PROGRESSED event: runs the part after
        `after_part` as the job's starter, whose save announces the next one. None when there is
        nothing to do: the job is done, or that part already ran (a redelivered event, or a client's
        continue got there first), or another run of it is under way (that one announces the next)."""
        job = self._jobs.get(tenant_id, job_id)
        if job.cursor is None or job.part != after_part or job.run_as is None:
            return None
        try:
            self._run_part(job.run_as, job)
        except ConcurrentChange:
            return None
        return self._jobs.get(tenant_id, job_id)

    # --- internals ------------------------------------------------------------------------

    def _own(self, principal: Principal, kind: JobKind, job_id: str) -> BulkJob:
        job = self._jobs.get(principal.tenant_id, job_id)
        if job.kind is not kind:  # a task job under /cases/bulk is not found there, like any other id
            raise BulkJobNotFound(f"bulk job {job_id} was not found")
        return job

    def _start(self, principal: Principal, kind: JobKind, filter_: dict, patch: dict, open_tasks: str | None) -> BulkAnswer:
        at = self._clock()
        job = BulkJob(
            job_id=str(uuid.uuid4()), tenant_id=principal.tenant_id, kind=kind, filter=filter_, patch=patch,
            open_tasks=open_tasks, created_at=at, updated_at=at, created_by=principal.principal_id, run_as=principal,
        )
        return self._run_part(principal, job)

    def _run_part(self, principal: Principal, job: BulkJob) -> BulkAnswer:
        if job.kind is JobKind.CASES:
            change = self._case_change(principal, job.patch, job.open_tasks)
            search = _search(job.filter)
            lister: Lister = lambda limit, cursor: self._cases.list_cases(principal, search, limit=limit, next_token=cursor)  # noqa: E731
            item_id = lambda item: item.case_id  # noqa: E731
        else:
            change = self._task_change(principal, job.patch)
            lister = lambda limit, cursor: self._tasks.work_list(principal, **_work_list(job.filter), limit=limit, next_token=cursor)  # noqa: E731
            item_id = lambda item: item.task_id  # noqa: E731
        results: list[ItemResult] = []
        cursor = job.cursor
        for _ in range(_MAX_PAGES_PER_REQUEST):
            page = lister(min(_PAGE, ITEMS_PER_REQUEST - len(results)), cursor)
            # The update reads the current version itself: an index page may be a moment behind.
            results.extend(_attempt(change, item_id(item), None) for item in page.items)
            cursor = page.next_token
            if cursor is None or len(results) >= ITEMS_PER_REQUEST or self._time_left() < _RESERVE_MS:
                break
        if job.part == 0 and cursor is None:
            return BulkAnswer.of(results)  # it all fit in one request: no job to keep
        advanced = job.after_part(results, cursor, self._clock())
        self._jobs.save(advanced, after_part=job.part)
        return BulkAnswer.of(results, advanced)

    def _case_change(self, principal: Principal, patch: dict, open_tasks: str | None) -> Change:
        case_patch = CasePatch.model_validate(patch)
        choice = OpenTasksChoice(open_tasks) if open_tasks else None

        def change(case_id: str, expected: int | None):
            started = self._clock()
            case = self._cases.update(principal, case_id, case_patch, expected, choice)
            return case, _written_since(case, principal, started)

        return change

    def _task_change(self, principal: Principal, patch: dict) -> Change:
        task_patch = _task_patch(patch)

        def change(task_id: str, expected: int | None):
            started = self._clock()
            task = self._tasks.update(principal, task_id, task_patch, expected)
            return task, _written_since(task, principal, started)

        return change


def _attempt(change: Change, item_id: str, expected: int | None) -> ItemResult:
    try:
        item, changed = change(item_id, expected)
    except CasetrailError as error:
        return result_of_error(item_id, error)
    return ItemResult(id=item_id, outcome=Outcome.DONE if changed else Outcome.UNCHANGED, version=item.version)


def _written_since(item: Any, principal: Principal, started: datetime) -> bool:
    """Whether the update wrote: an update that changes nothing returns the item as it was, last
    written before this call (the update reads the version itself: one read per item, not two)."""
    return item.updated_by == principal.principal_id and item.updated_at >= started


def _task_patch(patch: dict) -> TaskPatch:
    return TaskPatch.model_validate(patch)


def _search(filter_: dict[str, Any]) -> CaseSearch:
    stored = CaseFilter.model_validate(filter_)
    return CaseSearch(
        **{name: getattr(stored, name) for name in ("customer_id", "assignee", "queue", "template_id", "category", "tag")},
        status=stored.status.value if stored.status else None,
        priority=stored.priority.value if stored.priority else None,
        created_from=stored.created_from,
        created_to=stored.created_to,
        updated_from=stored.updated_from,
        updated_to=stored.updated_to,
        sort=stored.sort,
    )


def _work_list(filter_: dict[str, Any]) -> dict[str, Any]:
    stored = TaskFilter.model_validate(filter_)
    return {"assignee": stored.assignee, "queue": stored.queue, "status": stored.status, "due_before": stored.due_before}
