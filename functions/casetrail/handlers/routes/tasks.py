"""HTTP routes for tasks. Thin: parse, call the service, shape the response."""

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path, Query
from pydantic import Field

from casetrail.domain.model_base import LazyModel
from casetrail.domain.instants import Instant
from casetrail.domain.task_statuses import TaskStatus
from casetrail.domain.tasks import NewTask, Task, TaskPatch
from casetrail.handlers.dependencies import CurrentPrincipal, task_service
from casetrail.handlers.errors import documented
from casetrail.handlers.versions import expected_version, versioned_response
from casetrail.service.cases import MAX_PAGE_SIZE

router = Router()

_ID = {"min_length": 1, "max_length": 64, "pattern": r"^[A-Za-z0-9-]+$"}
TaskId = Annotated[str, Path(alias="taskId", **_ID)]
CaseId = Annotated[str, Path(alias="caseId", **_ID)]
PageSize = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Items per page")]
PageToken = Annotated[str | None, Query(alias="nextToken", max_length=2048, description="From the previous page")]
_FILTER = {"min_length": 1, "max_length": 128, "pattern": r"^[^#\s]+$"}
_WRITE_ERRORS = (HTTPStatus.BAD_REQUEST, HTTPStatus.NOT_FOUND, HTTPStatus.CONFLICT, HTTPStatus.REQUEST_ENTITY_TOO_LARGE)


class TaskList(LazyModel):
    items: list[Task]
    next_token: str | None = Field(default=None, serialization_alias="nextToken")




@router.post(
    "/tasks",
    summary="Create a standalone task",
    responses=documented(HTTPStatus.BAD_REQUEST, HTTPStatus.CONFLICT, success=HTTPStatus.CREATED, body=True, etag=True),
    tags=["Tasks"],
)
def create_task(command: Annotated[NewTask, Body()], principal: CurrentPrincipal) -> Response[Task]:
    return versioned_response(Task, task_service().create(principal, command), 201)


@router.post(
    "/cases/<caseId>/tasks",
    summary="Create a task on a case (on its timeline and audit, TASK.CREATED)",
    responses=documented(*_WRITE_ERRORS, success=HTTPStatus.CREATED, body=True, etag=True),
    tags=["Tasks"],
)
def create_case_task(case_id: CaseId, command: Annotated[NewTask, Body()], principal: CurrentPrincipal) -> Response[Task]:
    return versioned_response(Task, task_service().create(principal, command, case_id=case_id), 201)


@router.get(
    "/cases/<caseId>/tasks",
    summary="A case's tasks: active ones first, each group in creation order",
    responses=documented(HTTPStatus.BAD_REQUEST, HTTPStatus.NOT_FOUND),
    tags=["Tasks"],
)
def case_tasks(case_id: CaseId, principal: CurrentPrincipal, limit: PageSize = 50, next_token: PageToken = None) -> TaskList:
    page = task_service().of_case(principal, case_id, limit=limit, next_token=next_token)
    return TaskList(items=page.items, next_token=page.next_token)


@router.get(
    "/tasks",
    summary="A work list: an agent's tasks or a queue's unclaimed tasks, soonest due first",
    responses=documented(HTTPStatus.BAD_REQUEST),
    tags=["Tasks"],
)
def list_tasks(
    principal: CurrentPrincipal,
    assignee: Annotated[str | None, Query(description="An agent's principal id, or me", **_FILTER)] = None,
    queue: Annotated[str | None, Query(**_FILTER)] = None,
    status: Annotated[TaskStatus, Query()] = TaskStatus.OPEN,
    due_before: Annotated[Instant | None, Query(alias="dueBefore", description="Only tasks due before")] = None,
    limit: PageSize = 25,
    next_token: PageToken = None,
) -> TaskList:
    page = task_service().work_list(
        principal,
        assignee=assignee,
        queue=queue,
        status=status,
        due_before=due_before,
        limit=limit,
        next_token=next_token,
    )
    return TaskList(items=page.items, next_token=page.next_token)


@router.get("/tasks/<taskId>", summary="Read a task", responses=documented(HTTPStatus.NOT_FOUND, etag=True), tags=["Tasks"])
def get_task(task_id: TaskId, principal: CurrentPrincipal) -> Response[Task]:
    return versioned_response(Task, task_service().get(principal, task_id))


@router.patch(
    "/tasks/<taskId>",
    summary="Change a task (optimistic concurrency with If-Match)",
    responses=documented(*_WRITE_ERRORS, HTTPStatus.PRECONDITION_FAILED, HTTPStatus.PRECONDITION_REQUIRED, body=True, etag=True),
    tags=["Tasks"],
)
def update_task(
    task_id: TaskId,
    patch: Annotated[TaskPatch, Body()],
    principal: CurrentPrincipal,
    if_match: Annotated[str | None, Header(alias="if-match", description="The task version you read")] = None,
) -> Response[Task]:
    return versioned_response(Task, task_service().update(principal, task_id, patch, expected_version(if_match, "task")))


@router.post(
    "/tasks/<taskId>/claim",
    summary="Take a queued task: of agents claiming at once, one wins and the others get 409",
    responses=documented(*_WRITE_ERRORS, etag=True),
    tags=["Tasks"],
)
def claim_task(task_id: TaskId, principal: CurrentPrincipal) -> Response[Task]:
    return versioned_response(Task, task_service().claim(principal, task_id))
