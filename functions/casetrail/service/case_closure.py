"""What happens to a case's open tasks when the case is resolved or closed.

The request says (`openTasks=cancel|keep`); by default the change is refused with the open tasks
listed, so no promised callback disappears silently. Cancelling writes each task's cancellation
(task, its audit record on the case, its timeline entry) in the case change's own transaction.
"""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from casetrail.domain.cases import Case
from casetrail.domain.errors import Conflict, OpenTasks
from casetrail.domain.events import CaseChange
from casetrail.domain.identity import Principal
from casetrail.domain.statuses import CaseStatus
from casetrail.domain.tasks import TaskChange, cancel_with_case
from casetrail.store.tasks import TaskRepository

CLOSING = frozenset({CaseStatus.RESOLVED, CaseStatus.CLOSED})
# Each cancelled task takes three operations of the one transaction (task, audit, timeline entry);
# TransactWriteItems takes 100, the case change two.
MAX_CANCELLED_TASKS = 30


class OpenTasksChoice(StrEnum):
    CANCEL = "cancel"
    KEEP = "keep"


@dataclass(frozen=True)
class Closure:
    change: CaseChange
    earlier: list[TaskChange] = field(default_factory=list)
    also: list[dict[str, Any]] = field(default_factory=list)


class CaseClosure:
    def __init__(self, tasks: TaskRepository):
        self._tasks = tasks

    def plan(self, case: Case, change: CaseChange, choice: OpenTasksChoice | None, by: Principal) -> Closure:
        moves_to_closing = change.case.status in CLOSING and change.case.status != case.status
        if not moves_to_closing or choice is OpenTasksChoice.KEEP:
            return Closure(change)
        open_tasks = self._tasks.of_case(
            case.tenant_id, case.case_id, limit=MAX_CANCELLED_TASKS + 1, active_only=True
        ).items
        if not open_tasks:
            return Closure(change)
        if choice is None:
            raise OpenTasks(
                f"case {case.case_id} has open tasks: send openTasks=cancel or openTasks=keep",
                details={"openTasks": [{"taskId": t.task_id, "name": t.name, "status": t.status.value} for t in open_tasks]},
            )
        if len(open_tasks) > MAX_CANCELLED_TASKS:
            raise Conflict(f"more than {MAX_CANCELLED_TASKS} open tasks: cancel some first, or send openTasks=keep")
        # The cancellations take the case versions after the one read; the case change comes last.
        at = change.approximate_change_time
        earlier, version = [], case.version
        for task in open_tasks:
            earlier.append(cancel_with_case(task, by=by, at=at).on_case(case.model_copy(update={"version": version})))
            version += 1
        final = change.case.model_copy(update={"version": version + 1})
        closing = change.model_copy(update={"case": final, "case_version": final.version})
        also = [operation for cancelled in earlier for operation in self._tasks.linked_operations(cancelled)]
        return Closure(closing, earlier, also)
