"""Merging a duplicate case into the case that survives it, and who may do it. Pure.

A merge references rather than moves: the duplicate keeps its timeline, tasks, contact links and
audit (moving them could take thousands of writes, more than one 100-item transaction, and would
rewrite history consumers have already seen); it is closed with `mergedInto` naming the survivor,
and the survivor lists it in `mergedCases`. Both changes commit in one transaction.

The duplicate's change is a CASE.UPDATED (status closed, mergedInto set), so every consumer of
status changes (SLA clocks, metrics, rules, notifications) sees an ordinary closure; the survivor's
change is a CASE.MERGED. A merge is final: a closed case cannot reopen, and the survivor may
already have been worked on with the duplicate's contacts in mind.
"""

from dataclasses import dataclass
from datetime import datetime

from pydantic import Field

from casetrail.domain.cases import Case, changes_between, close_status, refuse_if_merged
from casetrail.domain.errors import Forbidden, InvalidRequest, NotMergeable
from casetrail.domain.events import CaseChange, ChangeType
from casetrail.domain.identity import SUPERVISING_ROLES, Principal
from casetrail.domain.model_base import CommandModel, Identifier
from casetrail.domain.statuses import CaseStatus

# Bounds the survivor's item (400 KB) and its events (256 KB): ids are at most 128 characters.
MAX_MERGED_CASES = 100


class MergeRequest(CommandModel):
    """Body of POST /cases/{caseId}/merge: the case in the path is the duplicate."""

    into: Identifier = Field(description="The case that survives")


@dataclass(frozen=True)
class Merge:
    duplicate: CaseChange  # CASE.UPDATED: closed, mergedInto
    survivor: CaseChange  # CASE.MERGED: mergedCases


def may_merge(principal: Principal, duplicate: Case) -> bool:
    """Supervisors and admins; an agent only a case assigned to them (they know it is a duplicate)."""
    return principal.role in SUPERVISING_ROLES or (duplicate.assignee is not None and duplicate.assignee == principal.principal_id)


def merge_cases(duplicate: Case, survivor: Case, *, by: Principal, at: datetime) -> Merge:
    if not may_merge(by, duplicate):
        raise Forbidden("only supervisors, admins or the case's assignee may merge it")
    if duplicate.case_id == survivor.case_id:
        raise InvalidRequest("a case cannot be merged into itself")
    refuse_if_merged(duplicate)
    if survivor.merged_into:
        raise NotMergeable(
            f"case {survivor.case_id} was itself merged into case {survivor.merged_into}: merge into that one",
            details={"mergedInto": survivor.merged_into},
        )
    if survivor.status is CaseStatus.CLOSED:
        raise NotMergeable(f"case {survivor.case_id} is closed: merge into a case that is not", details={"caseId": survivor.case_id})
    if len(survivor.merged_cases) >= MAX_MERGED_CASES:
        raise NotMergeable(f"case {survivor.case_id} has {MAX_MERGED_CASES} merged cases already")

    closed = close_status(duplicate, duplicate.model_copy(update={"merged_into": survivor.case_id}), at)
    closed = _next_version(closed, by, at)
    grown = _next_version(survivor.model_copy(update={"merged_cases": [*survivor.merged_cases, duplicate.case_id]}), by, at)
    return Merge(
        duplicate=CaseChange.record(ChangeType.CASE_UPDATED, case=closed, changes=changes_between(duplicate, closed), by=by, at=at),
        survivor=CaseChange.record(ChangeType.CASE_MERGED, case=grown, changes=changes_between(survivor, grown), by=by, at=at),
    )


def _next_version(case: Case, by: Principal, at: datetime) -> Case:
    return case.model_copy(update={"version": case.version + 1, "updated_at": at, "updated_by": by.principal_id})
