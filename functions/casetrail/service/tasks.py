"""Task use cases: load, apply the domain, store (with the linked case when there is one)."""

from collections.abc import Iterable
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from casetrail.domain import tasks as domain
from casetrail.domain.errors import CaseNotFound, ConcurrentChange, InvalidRequest, UnknownReference, VersionConflict
from casetrail.domain.identity import Principal, PrincipalKind, Role
from casetrail.domain.task_statuses import TaskStatus
from casetrail.domain.task_templates import TaskTemplateNotFound, apply_template
from casetrail.domain.tasks import NewTask, Task, TaskChange, TaskPatch
from casetrail.service.cases import Clock, page_size, utc_now
from casetrail.service.write_conflicts import LOST_RACE, WRITE_ATTEMPTS, kept_changing, pause_before_retry
from casetrail.store.cases import CaseRepository
from casetrail.store.keys import DUE_SHARDS
from casetrail.store.task_templates import TaskTemplateRepository
from casetrail.store.tasks import TaskPage, TaskRepository

if TYPE_CHECKING:
    from casetrail.service.users import UserDirectory

# A claim that lost a race reads the task again and finds it taken (409) or tries once more.
_ATTEMPTS = 3
# Upper bound of due tasks one sweep reads, so a backlog is worked off over a few runs rather than
# in one run that times out; each shard gets its share.
SWEEP_LIMIT = 400
SWEEPER_PRINCIPAL_ID = "casetrail-overdue-sweeper"


@dataclass(frozen=True)
class SweepResult:
    read: int
    flagged: int


class TaskService:
    def __init__(
        self,
        tasks: TaskRepository,
        cases: CaseRepository,
        clock: Clock = utc_now,
        templates: TaskTemplateRepository | None = None,  # only the API creates tasks from templates
        users: "UserDirectory | None" = None,  # only the API checks assignees
    ):
        self._tasks = tasks
        self._cases = cases
        self._clock = clock
        self._templates = templates
        self._users = users

    def create(self, principal: Principal, command: NewTask, case_id: str | None = None) -> Task:
        if case_id is not None:
            self._cases.get(principal.tenant_id, case_id)  # an unknown (or foreign) case is a 404
        now = self._clock()
        if command.template_id is not None:
            command = apply_template(self._template(principal, command.template_id), command, at=now)
        if self._users is not None:
            command = command.model_copy(update={"assignee": self._users.assignee(principal, command.assignee)})
        change = domain.new_task(command, task_id=str(uuid.uuid4()), case_id=case_id, by=principal, at=now)
        return self._commit(change, within_budget=True)

    def _template(self, principal: Principal, template_id: str):
        try:
            return self._templates.get(principal.tenant_id, template_id)
        except TaskTemplateNotFound:
            raise UnknownReference(f"no task template {template_id}", details={"field": "templateId"}) from None

    def get(self, principal: Principal, task_id: str) -> Task:
        return self._tasks.get(principal.tenant_id, task_id)

    def update(self, principal: Principal, task_id: str, patch: TaskPatch, expected_version: int | None) -> Task:
        """Applies the patch if the task is still at `expected_version` (None: the one read here)."""
        task = self._tasks.get(principal.tenant_id, task_id)
        if expected_version is not None and task.version != expected_version:
            raise VersionConflict(
                f"task {task_id} is at version {task.version}, not {expected_version}",
                details={"currentVersion": task.version},
            )
        if self._users is not None and "assignee" in patch.model_fields_set:
            patch = patch.model_copy(update={"assignee": self._users.assignee(principal, patch.assignee, current=task.assignee)})
        change = domain.update_task(task, patch, by=principal, at=self._clock())
        return task if change is None else self._commit(change, within_budget=True)

    def claim(self, principal: Principal, task_id: str) -> Task:
        """Exactly one of several agents claiming at once wins: each write is conditional on the
        version read, and a loser reads again and finds the task assigned (409)."""
        for _ in range(_ATTEMPTS):
            task = self._tasks.get(principal.tenant_id, task_id)
            change = domain.claim_task(task, by=principal, at=self._clock())
            try:
                return self._commit(change)
            except LOST_RACE:
                continue
        raise ConcurrentChange(f"task {task_id} keeps changing; try again", details={"taskId": task_id})

    def work_list(
        self,
        principal: Principal,
        *,
        assignee: str | None,
        queue: str | None,
        status: TaskStatus,
        due_before: datetime | None,
        limit: int,
        next_token: str | None,
    ) -> TaskPage:
        if (assignee is None) == (queue is None):
            raise InvalidRequest("give either assignee (an agent, or me) or queue")
        return self._tasks.work_list(
            principal.tenant_id,
            status=status.value,
            assignee=principal.principal_id if assignee == "me" else assignee,
            queue=queue,
            due_before=due_before,
            limit=page_size(limit),
            next_token=next_token,
        )

    def of_case(self, principal: Principal, case_id: str, *, limit: int, next_token: str | None) -> TaskPage:
        page = self._tasks.of_case(principal.tenant_id, case_id, limit=page_size(limit), next_token=next_token)
        if not page.items and next_token is None:
            self._cases.get(principal.tenant_id, case_id)  # an unknown case is a 404, not an empty list
        return page

    def flag_overdue(self, tenant_ids: Iterable[str], limit: int = SWEEP_LIMIT) -> SweepResult:
        """One sweep of each tenant's due partitions: flags every active task past its due time (up
        to `limit` read per tenant), each exactly once. Safe to run twice or concurrently: a flag
        is conditional on none before it."""
        now = self._clock()
        read = flagged = 0
        for tenant_id, shard in ((t, s) for t in tenant_ids for s in range(DUE_SHARDS)):
            budget, token = limit // DUE_SHARDS, None
            while budget > 0:
                page = self._tasks.due(tenant_id, shard, now=now, limit=budget, next_token=token)
                budget -= len(page.items)
                read += len(page.items)
                flagged += sum(self._flag(task, now) for task in page.items)
                token = page.next_token
                if token is None:
                    break
        return SweepResult(read=read, flagged=flagged)

    def _flag(self, task: Task, now: datetime) -> bool:
        sweeper = Principal(tenant_id=task.tenant_id, principal_id=SWEEPER_PRINCIPAL_ID, name="Overdue sweeper", role=Role.INTEGRATION, kind=PrincipalKind.SYSTEM)
        change = domain.flag_overdue(task, by=sweeper, at=now)
        if change is None:
            return False
        try:
            self._commit(change)
            return True
        except (*LOST_RACE, CaseNotFound):
            # Changed (flagged, completed, edited) since the index was read: the next sweep reads it again.
            return False

    def _commit(self, change: TaskChange, *, within_budget: bool = False) -> Task:
        """A linked task's change also moves its case to a new version; when the case changed between
        our read and our write (and the task did not), reading the case again and retrying is safe.
        `within_budget`: what a request wrote into the task keeps it within its budget (the
        sweeper's flag and a claim add nothing a budget should refuse)."""
        if change.case_id is None:
            self._tasks.save_standalone(change, within_budget=within_budget)
            return change.task
        for attempt in range(WRITE_ATTEMPTS):
            recorded = change.on_case(self._cases.get(change.tenant_id, change.case_id))
            try:
                self._cases.save(recorded, also=self._tasks.linked_operations(recorded, within_budget=within_budget))
                return recorded.task
            except LOST_RACE:
                if change.task_version > 1 and self._tasks.get(change.tenant_id, change.task_id).version != change.task_version - 1:
                    raise VersionConflict(
                        f"task {change.task_id} changed since version {change.task_version - 1} was read",
                        details={"taskId": change.task_id},
                    ) from None
                pause_before_retry(attempt)
        raise kept_changing(change.case_id)
