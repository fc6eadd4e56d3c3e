"""How a use case retries a write that lost a race for the same case.

A write is computed on the case as read and committed only if the case is still at that version
(and DynamoDB may cancel it outright when another transaction touches the same item at the same
moment). When the caller's intent does not depend on the version it saw (a note, a task, a rule's
change), the write is recomputed on the fresh case and tried again, after a short random pause so
the contenders spread out. Every round of contenders lets at least one through, so
`WRITE_ATTEMPTS` attempts get `WRITE_ATTEMPTS` simultaneous writers of one case through.
"""

import random
import time
from collections.abc import Callable
from typing import TypeVar

from casetrail.domain.errors import ConcurrentChange, VersionConflict

WRITE_ATTEMPTS = 25
# The random pause before attempt n is at most min(_PAUSE_CAP, _PAUSE_BASE * 2**n) seconds ("full
# jitter"): over 25 attempts at most ~4 s, well inside the API function's timeout.
_PAUSE_BASE = 0.01
_PAUSE_CAP = 0.2

# What a lost race raises: the version moved, or DynamoDB cancelled the transaction.
LOST_RACE = (VersionConflict, ConcurrentChange)


_sleep = time.sleep  # replaced by tests that race on purpose


def pause_before_retry(attempt: int) -> None:
    _sleep(random.uniform(0, min(_PAUSE_CAP, _PAUSE_BASE * 2**attempt)))


def kept_changing(case_id: str) -> ConcurrentChange:
    return ConcurrentChange(
        f"case {case_id} kept changing while this change was being saved: try again", details={"caseId": case_id}
    )


# An event consumer's write cancelled by a concurrent one is tried again this many times in
# process (jittered pauses, well under a second in all) before the message is reported as a
# batch item failure: a conflict costs milliseconds, not SQS's visibility timeout.
CONSUMER_ATTEMPTS = 5

T = TypeVar("T")


def retried_on_conflict(write: Callable[[], T], attempts: int = CONSUMER_ATTEMPTS) -> T:
    """The result of `write`, tried again after a jittered pause when DynamoDB cancelled it for a
    concurrent writer (ConcurrentChange: nothing was written). The last attempt's conflict is raised."""
    for attempt in range(attempts - 1):
        try:
            return write()
        except ConcurrentChange:
            pause_before_retry(attempt)
    return write()
