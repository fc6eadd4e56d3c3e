"""HTTP routes for merging cases and for parent/child families. Thin: parse, call the service, shape."""

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from pydantic import Field

from casetrail.domain.model_base import LazyModel
from casetrail.domain.cases import Case
from casetrail.domain.merges import MergeRequest
from casetrail.handlers.dependencies import case_service
from casetrail.handlers.errors import documented
from casetrail.handlers.routes.cases import CaseId, CurrentPrincipal, PageSize, PageToken
from casetrail.handlers.versions import versioned_response
from casetrail.service.case_closure import OpenTasksChoice
from casetrail.store.case_family import ChildCase

router = Router()


class CaseChildren(LazyModel):
    counts: dict[str, int] = Field(description="The case's children by status (every status, zeros included)")
    total: int
    items: list[ChildCase]
    next_token: str | None = Field(default=None, serialization_alias="nextToken")


@router.post(
    "/cases/<caseId>/merge",
    summary="Merge this case (a duplicate) into another; answers the surviving case",
    description="Supervisors, admins, or the duplicate's assignee. The duplicate is closed with mergedInto; "
    "its timeline, tasks and contact links stay where they are and are reached through the survivor's "
    "mergedCases. Final: there is no unmerge. Open tasks of the duplicate: openTasks=cancel|keep, as when closing.",
    responses=documented(
        HTTPStatus.BAD_REQUEST, HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND, HTTPStatus.CONFLICT, HTTPStatus.PRECONDITION_FAILED,
        body=True, etag=True,
    ),
    tags=["Cases"],
)
def merge_case(
    case_id: CaseId,
    command: Annotated[MergeRequest, Body()],
    principal: CurrentPrincipal,
    open_tasks: Annotated[
        OpenTasksChoice | None,
        Query(alias="openTasks", description="The duplicate's open tasks: cancel or keep them"),
    ] = None,
) -> Response[Case]:
    return versioned_response(Case, case_service().merge(principal, case_id, command.into, open_tasks))


@router.get(
    "/cases/<caseId>/children",
    summary="A case's child cases and their roll-up by status",
    responses=documented(HTTPStatus.BAD_REQUEST, HTTPStatus.NOT_FOUND),
    tags=["Cases"],
)
def case_children(case_id: CaseId, principal: CurrentPrincipal, limit: PageSize = 50, next_token: PageToken = None) -> CaseChildren:
    found = case_service().children(principal, case_id, limit=limit, next_token=next_token)
    return CaseChildren(counts=found.counts, total=sum(found.counts.values()), items=found.items, next_token=found.next_token)
