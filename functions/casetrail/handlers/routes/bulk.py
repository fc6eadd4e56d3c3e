"""HTTP routes for bulk changes of cases and tasks (supervisors and admins)."""

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path

from casetrail.domain.bulk_changes import BulkAnswer, BulkCaseChange, BulkJob, BulkTaskChange, JobKind, JobStatus
from casetrail.handlers.dependencies import CurrentPrincipal, bulk_change_service
from casetrail.handlers.errors import documented

router = Router()

JobId = Annotated[str, Path(alias="jobId", min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]
_RUN_RESPONSES = {
    **documented(HTTPStatus.BAD_REQUEST, HTTPStatus.FORBIDDEN, body=True),
    202: {
        "description": "A filter's run is not finished: continue it with POST .../bulk/{jobId}/continue",
        "content": {content_types.APPLICATION_JSON: {"model": BulkAnswer}},
    },
}
_DESCRIPTION = (
    "Each item changes through the single-item update, in its own transaction, with its own audit record and event; "
    "results per item: done, unchanged, versionConflict, invalidTransition, notFound, rejected (with the error code). "
    "A list of ids (<= 100) is answered at once (200). A filter changes up to 100 items per request: 200 when it is done, "
    "else 202 with a jobId to continue."
)


def _answer(answer: BulkAnswer) -> Response[BulkAnswer]:
    status = HTTPStatus.ACCEPTED if answer.status is JobStatus.RUNNING else HTTPStatus.OK
    return Response(status_code=status.value, content_type=content_types.APPLICATION_JSON, body=answer)


@router.post("/cases/bulk", summary="Change many cases", description=_DESCRIPTION, responses=_RUN_RESPONSES, tags=["Bulk changes"])
def change_cases(request: Annotated[BulkCaseChange, Body()], principal: CurrentPrincipal) -> Response[BulkAnswer]:
    return _answer(bulk_change_service().change_cases(principal, request))


@router.get("/cases/bulk/<jobId>", summary="A bulk change's progress", responses=documented(HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND), tags=["Bulk changes"])
def case_job(job_id: JobId, principal: CurrentPrincipal) -> BulkJob:
    return bulk_change_service().job(principal, JobKind.CASES, job_id)


@router.post(
    "/cases/bulk/<jobId>/continue",
    summary="Run the next part of a bulk change (its next up to 100 cases)",
    responses={**documented(HTTPStatus.BAD_REQUEST, HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND, HTTPStatus.CONFLICT), 202: _RUN_RESPONSES[202]},
    tags=["Bulk changes"],
)
def continue_cases(job_id: JobId, principal: CurrentPrincipal) -> Response[BulkAnswer]:
    return _answer(bulk_change_service().resume(principal, JobKind.CASES, job_id))


@router.post("/tasks/bulk", summary="Change many tasks (e.g. move a queue's tasks)", description=_DESCRIPTION, responses=_RUN_RESPONSES, tags=["Bulk changes"])
def change_tasks(request: Annotated[BulkTaskChange, Body()], principal: CurrentPrincipal) -> Response[BulkAnswer]:
    return _answer(bulk_change_service().change_tasks(principal, request))


@router.get("/tasks/bulk/<jobId>", summary="A bulk change's progress", responses=documented(HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND), tags=["Bulk changes"])
def task_job(job_id: JobId, principal: CurrentPrincipal) -> BulkJob:
    return bulk_change_service().job(principal, JobKind.TASKS, job_id)


@router.post(
    "/tasks/bulk/<jobId>/continue",
    summary="Run the next part of a bulk change (its next up to 100 tasks)",
    responses={**documented(HTTPStatus.BAD_REQUEST, HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND, HTTPStatus.CONFLICT), 202: _RUN_RESPONSES[202]},
    tags=["Bulk changes"],
)
def continue_tasks(job_id: JobId, principal: CurrentPrincipal) -> Response[BulkAnswer]:
    return _answer(bulk_change_service().resume(principal, JobKind.TASKS, job_id))
