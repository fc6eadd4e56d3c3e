"""Bulk changes: one patch applied to many cases (or tasks), each in its own transaction through
the single-item update path, with a result per item; a filter's run is a resumable job.
"""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, Field, StringConstraints, field_validator, model_validator

from casetrail.domain.cases import Category, Tags
from casetrail.domain.errors import CasetrailError, InvalidTransition, NotFound, VersionConflict
from casetrail.domain.events import PerformedBy
from casetrail.domain.identity import Principal
from casetrail.domain.model_base import CamelModel, CommandModel, Identifier
from casetrail.domain.statuses import CaseStatus, Priority
from casetrail.domain.task_statuses import TaskStatus

MAX_IDS = 100
# Items one request changes before it answers: each is a read and a transaction (~20-40 ms on
# DynamoDB), so 100 stay well inside API Gateway's 29 s; a longer run continues as a job.
ITEMS_PER_REQUEST = 100
MAX_PROBLEMS_KEPT = 100  # a job keeps its latest items that did not change, for GET

Ids = Annotated[list[Identifier], Field(min_length=1, max_length=MAX_IDS)]
# As GET /cases takes them: a category or tag may hold spaces, never the key separator.
FilterText = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=r"^[^#]+$")]
Versions = Annotated[dict[Identifier, Annotated[int, Field(ge=1)]], Field(max_length=MAX_IDS)]


class BulkJobNotFound(NotFound):
    code = "BULK_JOB_NOT_FOUND"


class Outcome(StrEnum):
    DONE = "done"
    UNCHANGED = "unchanged"  # the item already had these values: no version, audit or event
    VERSION_CONFLICT = "versionConflict"
    INVALID_TRANSITION = "invalidTransition"
    NOT_FOUND = "notFound"
    REJECTED = "rejected"  # any other refusal of the single-item update, with its error code


class ItemResult(CamelModel):
    id: str
    outcome: Outcome
    version: int | None = Field(default=None, description="The item's version after the change")
    code: str | None = Field(default=None, description="The error code the single-item update gave")
    message: str | None = None


def result_of_error(item_id: str, error: CasetrailError) -> ItemResult:
    if isinstance(error, VersionConflict):
        outcome = Outcome.VERSION_CONFLICT
    elif isinstance(error, InvalidTransition):
        outcome = Outcome.INVALID_TRANSITION
    elif isinstance(error, NotFound):
        outcome = Outcome.NOT_FOUND
    else:
        outcome = Outcome.REJECTED
    return ItemResult(id=item_id, outcome=outcome, code=error.code, message=error.message)


class _Filter(CommandModel):
    def to_wire_compact(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, mode="json", exclude_none=True)


class CaseFilter(_Filter):
    """The filters of GET /cases, served the same way (one narrow filter by its index, else the search index)."""

    customer_id: FilterText | None = None
    status: CaseStatus | None = None
    assignee: FilterText | None = None
    queue: FilterText | None = None
    template_id: FilterText | None = None
    priority: Priority | None = None
    category: FilterText | None = None
    tag: FilterText | None = None
    created_from: AwareDatetime | None = None
    created_to: AwareDatetime | None = None
    updated_from: AwareDatetime | None = None
    updated_to: AwareDatetime | None = None
    sort: Literal["createdAt", "updatedAt"] = "createdAt"


class BulkCasePatch(CommandModel):
    """What a bulk change may set on each case (null clears assignee, queue or category)."""

    status: CaseStatus | None = None
    priority: Priority | None = None
    assignee: Identifier | None = None
    queue: Identifier | None = None
    tags: Tags | None = None
    category: Category | None = None

    _not_empty = model_validator(mode="after")(lambda self: _sets_something(self))


def _sets_something(patch):
    for name in ("status", "priority"):
        if name in patch.model_fields_set and getattr(patch, name) is None:
            raise ValueError(f"{name} cannot be null")
    if not patch.model_fields_set:
        raise ValueError("the patch changes nothing: send at least one field")
    return patch


def _ids_or_filter(request):
    ids = request.case_ids if isinstance(request, BulkCaseChange) else request.task_ids
    if (ids is None) == (request.filter is None):
        raise ValueError("give either the ids to change or a filter")
    return request


class BulkCaseChange(CommandModel):
    """Body of POST /cases/bulk."""

    case_ids: Ids | None = None
    filter: CaseFilter | None = None
    expected_versions: Versions | None = Field(default=None, description="caseId → the version you read; else the current one")
    patch: BulkCasePatch
    open_tasks: Literal["cancel", "keep"] | None = Field(default=None, description="Resolving or closing cases with open tasks")

    _one_selection = model_validator(mode="after")(_ids_or_filter)
    _once_each = field_validator("case_ids")(lambda ids: list(dict.fromkeys(ids)) if ids else ids)


class TaskFilter(_Filter):
    """The work lists of GET /tasks: an assignee's or a queue's tasks of one status."""

    assignee: Identifier | None = None
    queue: Identifier | None = None
    status: TaskStatus = TaskStatus.OPEN
    due_before: AwareDatetime | None = None


class BulkTaskPatch(CommandModel):
    assignee: Identifier | None = None
    queue: Identifier | None = None
    priority: Priority | None = None
    status: TaskStatus | None = None

    _not_empty = model_validator(mode="after")(lambda self: _sets_something(self))


class BulkTaskChange(CommandModel):
    """Body of POST /tasks/bulk, e.g. move a queue's open tasks to another queue."""

    task_ids: Ids | None = None
    filter: TaskFilter | None = None
    expected_versions: Versions | None = None
    patch: BulkTaskPatch

    _one_selection = model_validator(mode="after")(_ids_or_filter)
    _once_each = field_validator("task_ids")(lambda ids: list(dict.fromkeys(ids)) if ids else ids)


class JobKind(StrEnum):
    CASES = "cases"
    TASKS = "tasks"


class JobStatus(StrEnum):
    RUNNING = "running"  # more items match: POST .../bulk/{jobId}/continue runs the next part
    DONE = "done"


class BulkJob(CamelModel):
    """A bulk change over a filter, run part by part; what GET /cases|tasks/bulk/{jobId} shows."""

    job_id: str
    tenant_id: str
    kind: JobKind
    status: JobStatus = JobStatus.RUNNING
    filter: dict[str, Any]
    patch: dict[str, Any]
    open_tasks: str | None = None
    cursor: str | None = Field(default=None, description="Where the next part starts (internal)", exclude=True)
    part: int = Field(default=0, description="Parts run so far")
    processed: int = 0
    counts: dict[Outcome, int] = Field(default_factory=dict)
    problems: list[ItemResult] = Field(default_factory=list, description=f"The latest {MAX_PROBLEMS_KEPT} items that did not change")
    created_at: datetime
    updated_at: datetime
    created_by: str
    run_as: Principal | None = Field(
        default=None, exclude=True, description="Who started it: the worker runs the next parts as them (internal)"
    )

    def after_part(self, results: list[ItemResult], cursor: str | None, at: datetime) -> "BulkJob":
        counts = dict(self.counts)
        for result in results:
            counts[result.outcome] = counts.get(result.outcome, 0) + 1
        problems = [*self.problems, *(r for r in results if r.outcome not in (Outcome.DONE, Outcome.UNCHANGED))][-MAX_PROBLEMS_KEPT:]
        return self.model_copy(
            update={
                "cursor": cursor,
                "status": JobStatus.RUNNING if cursor else JobStatus.DONE,
                "part": self.part + 1,
                "processed": self.processed + len(results),
                "counts": counts,
                "problems": problems,
                "updated_at": at,
            }
        )


BULK_JOB_EVENT_PREFIX = "BULK_JOB."
BULK_JOB_PROGRESSED = "BULK_JOB.PROGRESSED"


class BulkJobProgress(CamelModel):
    """The detail of BULK_JOB.PROGRESSED, written with each part of a job in the part's own
    transaction (the outbox): while `status` is running, the bulk-job worker runs the next part."""

    version: Literal["0"] = "0"
    event_id: str = Field(description="Stable for a job's part: deduplicate on it")
    event_type: Literal["BULK_JOB.PROGRESSED"] = BULK_JOB_PROGRESSED
    approximate_change_time: datetime
    tenant_id: str
    job_id: str
    kind: JobKind
    status: JobStatus
    part: int = Field(description="Parts run so far, this one included")
    processed: int
    counts: dict[Outcome, int]
    performed_by: PerformedBy

    @classmethod
    def of(cls, job: BulkJob) -> "BulkJobProgress":
        by = job.run_as
        return cls(
            event_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"casetrail:bulk-job:{job.tenant_id}:{job.job_id}:{job.part}")),
            approximate_change_time=job.updated_at,
            tenant_id=job.tenant_id,
            job_id=job.job_id,
            kind=job.kind,
            status=job.status,
            part=job.part,
            processed=job.processed,
            counts=job.counts,
            performed_by=PerformedBy.of(by) if by else PerformedBy(principal_id=job.created_by, name=job.created_by, role="supervisor"),
        )


class BulkAnswer(CamelModel):
    """The answer of a bulk change: this request's results, and for a filter its job."""

    status: JobStatus
    results: list[ItemResult]
    counts: dict[Outcome, int] = Field(description="Over the whole run so far")
    job_id: str | None = Field(default=None, description="A filter's run: GET or continue it by this id")
    processed: int = Field(description="Items handled over the whole run so far")

    @classmethod
    def of(cls, results: list[ItemResult], job: BulkJob | None = None) -> "BulkAnswer":
        if job is None:
            counts: dict[Outcome, int] = {}
            for result in results:
                counts[result.outcome] = counts.get(result.outcome, 0) + 1
            return cls(status=JobStatus.DONE, results=results, counts=counts, processed=len(results))
        return cls(status=job.status, results=results, counts=job.counts, job_id=job.job_id, processed=job.processed)
