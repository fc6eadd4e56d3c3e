"""Bulk changes: how an item's refusal reads as a result, and how a job keeps its progress."""

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from casetrail.domain.bulk_changes import MAX_PROBLEMS_KEPT, BulkCaseChange, BulkJob, ItemResult, JobKind, JobStatus, Outcome, result_of_error
from casetrail.domain.errors import CaseNotFound, InvalidTransition, OpenTasks, TaskNotFound, VersionConflict

AT = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (VersionConflict("stale"), Outcome.VERSION_CONFLICT),
        (InvalidTransition("closed is final"), Outcome.INVALID_TRANSITION),
        (CaseNotFound("gone"), Outcome.NOT_FOUND),
        (TaskNotFound("gone"), Outcome.NOT_FOUND),
        (OpenTasks("2 open tasks"), Outcome.REJECTED),
    ],
)
def test_each_refusal_of_an_item_is_its_result_with_the_error_code(error, outcome):
    result = result_of_error("c-1", error)
    assert (result.outcome, result.code, result.message) == (outcome, error.code, error.message)


def test_a_job_counts_every_part_and_keeps_only_the_latest_problems():
    job = BulkJob(job_id="j", tenant_id="demo", kind=JobKind.CASES, filter={}, patch={}, created_at=AT, updated_at=AT, created_by="p")
    part = [ItemResult(id=f"c-{n}", outcome=Outcome.VERSION_CONFLICT) for n in range(MAX_PROBLEMS_KEPT)] + [ItemResult(id="ok", outcome=Outcome.DONE)]

    running = job.after_part(part, "cursor-1", AT)
    done = running.after_part([ItemResult(id="late", outcome=Outcome.NOT_FOUND)], None, AT)

    assert running.status is JobStatus.RUNNING and done.status is JobStatus.DONE
    assert done.part == 2 and done.processed == MAX_PROBLEMS_KEPT + 2
    assert done.counts == {Outcome.VERSION_CONFLICT: MAX_PROBLEMS_KEPT, Outcome.DONE: 1, Outcome.NOT_FOUND: 1}
    assert len(done.problems) == MAX_PROBLEMS_KEPT and done.problems[-1].id == "late"


def test_a_bulk_change_names_ids_or_a_filter_and_sets_something():
    with pytest.raises(ValidationError):
        BulkCaseChange.model_validate({"patch": {"priority": "low"}})
    with pytest.raises(ValidationError):
        BulkCaseChange.model_validate({"caseIds": ["c-1"], "patch": {"status": None}})
