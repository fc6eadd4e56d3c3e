"""HTTP routes for cases. Thin: parse, call the service, shape the response."""

from enum import StrEnum
from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path, Query
from pydantic import Field

from casetrail.domain.model_base import LazyModel
from casetrail.domain.cases import Case, CasePatch, NewCase
from casetrail.domain.events import AuditEntry
from casetrail.domain.identity import Principal
from casetrail.domain.instants import Instant
from casetrail.domain.statuses import CaseStatus, Priority
from casetrail.handlers.dependencies import CurrentPrincipal, case_repository, case_service
from casetrail.handlers.errors import documented
from casetrail.handlers.idempotency import once_per_key, record_id
from casetrail.handlers.versions import expected_version, versioned_response
from casetrail.service.case_closure import OpenTasksChoice
from casetrail.service.cases import MAX_PAGE_SIZE, case_id_for_idempotency_key
from casetrail.store.cases import SORT_CREATED, SORT_UPDATED, CaseSearch
from casetrail.store.erasure import remember_idempotency_record

router = Router()

CaseId = Annotated[str, Path(alias="caseId", min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]
PageSize = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Items per page")]
PageToken = Annotated[str | None, Query(alias="nextToken", max_length=2048, description="From the previous page")]
_FILTER = {"min_length": 1, "max_length": 128, "pattern": r"^[^#]+$"}


class CaseList(LazyModel):
    items: list[Case]
    next_token: str | None = Field(default=None, serialization_alias="nextToken")


class AuditTrail(LazyModel):
    items: list[AuditEntry]
    next_token: str | None = Field(default=None, serialization_alias="nextToken")




@once_per_key
def _create_once(request: dict[str, Any]) -> dict[str, Any]:
    principal = Principal.model_validate(request["principal"])
    # Powertools replays a completed request; the derived id covers one that committed the case
    # but died before its idempotency record was completed.
    case_id = case_id_for_idempotency_key(principal.tenant_id, request["idempotencyKey"])
    case = case_service().create(principal, NewCase.model_validate(request["body"]), case_id=case_id)
    # Deleting the case deletes this record too (it holds the case as created): the case keeps its id.
    remember_idempotency_record(case_repository().table, principal.tenant_id, case_id, record_id(_create_once, request))
    return case.to_wire()


@router.post(
    "/cases",
    summary="Open a case",
    responses=documented(HTTPStatus.BAD_REQUEST, HTTPStatus.CONFLICT, success=HTTPStatus.CREATED, body=True, etag=True),
    tags=["Cases"],
)
def create_case(
    command: Annotated[NewCase, Body()],
    principal: CurrentPrincipal,
    idempotency_key: Annotated[
        str | None,
        Header(alias="idempotency-key", min_length=1, max_length=128, description="Retry-safe creation"),
    ] = None,
) -> Response[Case]:
    if idempotency_key is None:
        return versioned_response(Case, case_service().create(principal, command), 201)
    request = {
        "tenantId": principal.tenant_id,
        "idempotencyKey": idempotency_key,
        "body": command.model_dump(mode="json"),
        "principal": principal.model_dump(mode="json"),
    }
    return versioned_response(Case, _create_once(request=request), 201)


@router.get(
    "/cases/by-reference/<referenceNumber>",
    summary="Find a case by its reference number",
    responses=documented(HTTPStatus.NOT_FOUND, etag=True),
    tags=["Cases"],
)
def get_case_by_reference(
    reference_number: Annotated[str, Path(alias="referenceNumber", min_length=2, max_length=20, pattern=r"^\d+$")],
    principal: CurrentPrincipal,
) -> Response[Case]:
    return versioned_response(Case, case_service().get_by_reference(principal, reference_number))


@router.get("/cases/<caseId>", summary="Read a case", responses=documented(HTTPStatus.NOT_FOUND, etag=True), tags=["Cases"])
def get_case(case_id: CaseId, principal: CurrentPrincipal) -> Response[Case]:
    return versioned_response(Case, case_service().get(principal, case_id))


@router.patch(
    "/cases/<caseId>",
    summary="Change a case (optimistic concurrency with If-Match)",
    responses=documented(
        HTTPStatus.BAD_REQUEST,
        HTTPStatus.NOT_FOUND,
        HTTPStatus.CONFLICT,
        HTTPStatus.PRECONDITION_FAILED,
        HTTPStatus.PRECONDITION_REQUIRED, body=True, etag=True),
    tags=["Cases"],
    description="Moving to resolved or closed while the case has open tasks is refused (409 OPEN_TASKS, "
    "listing them) unless openTasks says to cancel or keep them.",
)
def update_case(
    case_id: CaseId,
    patch: Annotated[CasePatch, Body()],
    principal: CurrentPrincipal,
    if_match: Annotated[str | None, Header(alias="if-match", description="The case version you read")] = None,
    open_tasks: Annotated[
        OpenTasksChoice | None,
        Query(alias="openTasks", description="Resolving or closing a case with open tasks: cancel or keep them"),
    ] = None,
) -> Response[Case]:
    return versioned_response(Case, case_service().update(principal, case_id, patch, expected_version(if_match), open_tasks))


class CaseSort(StrEnum):
    CREATED_AT = SORT_CREATED
    UPDATED_AT = SORT_UPDATED


@router.get(
    "/cases",
    summary="Search cases, newest first",
    description="Any combination of filters, and free text (q: every word must occur in the title, description, "
    "category, tags, reference number, custom field values, comments, contact summaries or transcripts, "
    "without regard to case or accents). One customerId, assignee or queue alone is read from its index; "
    "every other search from the search index, which follows changes within seconds (eventually consistent).",
    responses=documented(HTTPStatus.BAD_REQUEST),
    tags=["Cases"],
)
def list_cases(
    principal: CurrentPrincipal,
    customer_id: Annotated[str | None, Query(alias="customerId", **_FILTER)] = None,
    status: Annotated[CaseStatus | None, Query()] = None,
    assignee: Annotated[str | None, Query(**_FILTER)] = None,
    queue: Annotated[str | None, Query(**_FILTER)] = None,
    template_id: Annotated[str | None, Query(alias="templateId", **_FILTER)] = None,
    priority: Annotated[Priority | None, Query()] = None,
    category: Annotated[str | None, Query(**_FILTER)] = None,
    tag: Annotated[str | None, Query(**_FILTER)] = None,
    q: Annotated[str | None, Query(min_length=1, max_length=200, description="Free text: cases containing every word")] = None,
    created_from: Annotated[Instant | None, Query(alias="createdFrom", description="Inclusive, ISO 8601")] = None,
    created_to: Annotated[Instant | None, Query(alias="createdTo", description="Inclusive, ISO 8601")] = None,
    updated_from: Annotated[Instant | None, Query(alias="updatedFrom", description="Inclusive, ISO 8601")] = None,
    updated_to: Annotated[Instant | None, Query(alias="updatedTo", description="Inclusive, ISO 8601")] = None,
    sort: Annotated[CaseSort, Query(description="Newest first by this time")] = CaseSort.CREATED_AT,
    limit: PageSize = 25,
    next_token: PageToken = None,
) -> CaseList:
    search = CaseSearch(
        customer_id=customer_id,
        status=status.value if status else None,
        assignee=assignee,
        queue=queue,
        template_id=template_id,
        priority=priority.value if priority else None,
        category=category,
        tag=tag,
        created_from=created_from,
        created_to=created_to,
        updated_from=updated_from,
        updated_to=updated_to,
        sort=sort.value,
        text=q,
    )
    page = case_service().list_cases(principal, search, limit=limit, next_token=next_token)
    return CaseList(items=page.items, next_token=page.next_token)


@router.get(
    "/cases/<caseId>/audit",
    summary="Every change made to a case, oldest first",
    responses=documented(HTTPStatus.BAD_REQUEST, HTTPStatus.NOT_FOUND),
    tags=["Cases"],
)
def case_audit(
    case_id: CaseId,
    principal: CurrentPrincipal,
    limit: PageSize = 50,
    next_token: PageToken = None,
) -> AuditTrail:
    page = case_service().audit(principal, case_id, limit=limit, next_token=next_token)
    return AuditTrail(items=page.items, next_token=page.next_token)
