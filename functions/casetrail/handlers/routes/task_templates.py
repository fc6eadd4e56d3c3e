"""HTTP routes for task templates (supervisors and admins write; every principal reads)."""

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path

from casetrail.domain.model_base import LazyModel
from casetrail.domain.task_templates import NewTaskTemplate, TaskTemplate, TaskTemplatePatch
from casetrail.handlers.dependencies import CurrentPrincipal, task_template_service
from casetrail.handlers.errors import documented
from casetrail.handlers.versions import expected_version, versioned_response

router = Router()

TemplateId = Annotated[str, Path(alias="templateId", min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]


class TaskTemplateList(LazyModel):
    items: list[TaskTemplate]




@router.post(
    "/task-templates",
    summary="Define a task template: per task field, required / read-only / default",
    responses=documented(HTTPStatus.FORBIDDEN, HTTPStatus.CONFLICT, success=HTTPStatus.CREATED, body=True, etag=True),
    tags=["Tasks"],
)
def create_task_template(command: Annotated[NewTaskTemplate, Body()], principal: CurrentPrincipal) -> Response[TaskTemplate]:
    return versioned_response(TaskTemplate, task_template_service().create(principal, command), 201)


@router.get("/task-templates", summary="The tenant's task templates", responses=documented(), tags=["Tasks"])
def list_task_templates(principal: CurrentPrincipal) -> TaskTemplateList:
    return TaskTemplateList(items=task_template_service().list_all(principal))


@router.get(
    "/task-templates/<templateId>",
    summary="Read a task template",
    responses=documented(HTTPStatus.NOT_FOUND, etag=True),
    tags=["Tasks"],
)
def get_task_template(template_id: TemplateId, principal: CurrentPrincipal) -> Response[TaskTemplate]:
    return versioned_response(TaskTemplate, task_template_service().get(principal, template_id))


@router.patch(
    "/task-templates/<templateId>",
    summary="Change a task template, e.g. deactivate it (tasks made from it are unaffected)",
    responses=documented(
        HTTPStatus.BAD_REQUEST, HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND,
        HTTPStatus.PRECONDITION_FAILED, HTTPStatus.PRECONDITION_REQUIRED, body=True, etag=True),
    tags=["Tasks"],
)
def update_task_template(
    template_id: TemplateId,
    patch: Annotated[TaskTemplatePatch, Body()],
    principal: CurrentPrincipal,
    if_match: Annotated[str | None, Header(alias="if-match", description="The template version you read")] = None,
) -> Response[TaskTemplate]:
    version = expected_version(if_match, "task template")
    return versioned_response(TaskTemplate, task_template_service().update(principal, template_id, patch, version))
