"""Case statuses and the transitions allowed between them (documented in the README)."""

from enum import StrEnum


class CaseStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    PENDING_CUSTOMER = "pending_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


# Statuses in which a case is still being worked on ("open" to a caller).
WORKING = frozenset({CaseStatus.OPEN, CaseStatus.IN_PROGRESS, CaseStatus.PENDING_CUSTOMER})

ALLOWED_TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.OPEN: frozenset({CaseStatus.IN_PROGRESS, CaseStatus.PENDING_CUSTOMER, CaseStatus.RESOLVED, CaseStatus.CLOSED}),
    CaseStatus.IN_PROGRESS: frozenset({CaseStatus.OPEN, CaseStatus.PENDING_CUSTOMER, CaseStatus.RESOLVED, CaseStatus.CLOSED}),
    CaseStatus.PENDING_CUSTOMER: frozenset({CaseStatus.OPEN, CaseStatus.IN_PROGRESS, CaseStatus.RESOLVED, CaseStatus.CLOSED}),
    # Reopening a resolved case is allowed and counted (reopenCount); a closed case is final.
    CaseStatus.RESOLVED: frozenset({CaseStatus.OPEN, CaseStatus.IN_PROGRESS, CaseStatus.CLOSED}),
    CaseStatus.CLOSED: frozenset(),
}


def can_transition(current: CaseStatus, target: CaseStatus) -> bool:
    return target in ALLOWED_TRANSITIONS[current]


def is_reopen(current: CaseStatus, target: CaseStatus) -> bool:
    return current is CaseStatus.RESOLVED and target in WORKING
