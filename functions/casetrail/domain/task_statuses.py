"""Task statuses and the state machine between them (documented in the README)."""

from enum import StrEnum


class TaskStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


ACTIVE = frozenset({TaskStatus.OPEN, TaskStatus.IN_PROGRESS})
FINISHED = frozenset({TaskStatus.DONE, TaskStatus.CANCELLED})

# A finished task moves back to work only when the request says so explicitly (`reopen: true`):
# a stray PATCH must not resurrect a cancelled callback.
_MOVES: dict[TaskStatus, frozenset[TaskStatus]] = {
    TaskStatus.OPEN: frozenset({TaskStatus.IN_PROGRESS, TaskStatus.DONE, TaskStatus.CANCELLED}),
    TaskStatus.IN_PROGRESS: frozenset({TaskStatus.OPEN, TaskStatus.DONE, TaskStatus.CANCELLED}),
    TaskStatus.DONE: frozenset(),
    TaskStatus.CANCELLED: frozenset(),
}
_REOPENS = frozenset({TaskStatus.OPEN, TaskStatus.IN_PROGRESS})


def can_move(current: TaskStatus, target: TaskStatus, *, reopen: bool = False) -> bool:
    if current in FINISHED:
        return reopen and target in _REOPENS
    return target in _MOVES[current]
