"""HTTP routes for deleting cases, erasing customers and the tenant's retention period. Thin."""

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Query

from casetrail.domain.erasure import REASON_MAX_LENGTH, CaseDeletion, CustomerErasure, RetentionPolicy
from casetrail.handlers.dependencies import CurrentPrincipal, deletion_service, keep_going
from casetrail.handlers.errors import documented
from casetrail.handlers.routes.cases import CaseId
from casetrail.handlers.routes.customers import CustomerId
from casetrail.handlers.versions import expected_version

router = Router()

Reason = Annotated[
    str,
    Query(min_length=1, max_length=REASON_MAX_LENGTH, description="Why (kept in the tombstone and the event: never personal data)"),
]


def _answer(body, done: bool) -> Response:
    status = HTTPStatus.OK if done else HTTPStatus.ACCEPTED
    return Response(status_code=status.value, content_type=content_types.APPLICATION_JSON, body=body)


@router.delete(
    "/cases/<caseId>",
    summary="Delete a case for good (supervisors and admins)",
    description=(
        "Removes the case, its timeline, tasks, files, lookup keys (reference number, contact links, the customer's case "
        "list, its parent's list), watchers and idempotency records; keeps a tombstone (who, when, why) and publishes "
        "CASE.DELETED (docs/erasure-event.schema.json). If-Match is optional: when sent it must be the case's version "
        "(412 otherwise). 200 when done; 202 when a very large case is still being deleted (it is already gone for "
        "every reader): DELETE again to continue. Deleting a deleted case answers its report again (200)."
    ),
    responses={
        **documented(HTTPStatus.BAD_REQUEST, HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND, HTTPStatus.PRECONDITION_FAILED),
        202: {"description": "Deletion under way: DELETE again to continue", "content": {content_types.APPLICATION_JSON: {"model": CaseDeletion}}},
    },
    tags=["Erasure"],
)
def delete_case(
    case_id: CaseId,
    principal: CurrentPrincipal,
    reason: Reason,
    if_match: Annotated[str | None, Header(alias="if-match", description="The case version you read (optional)")] = None,
) -> Response[CaseDeletion]:
    version = expected_version(if_match) if if_match is not None else None
    deletion = deletion_service().delete_case(principal, case_id, reason=reason, expected_version=version, keep_going=keep_going())
    return _answer(deletion, deletion.status == "deleted")


@router.post(
    "/customers/<customerId>/erase",
    summary="Erase a customer and everything about them (admins)",
    description=(
        "Deletes every case of the customer as DELETE /cases/{caseId} does, rewrites the data lake's objects of the "
        "customer's partition without their events, then removes the customer and its phone/email lookup keys and "
        "publishes CUSTOMER.ERASED. Idempotent and resumable: 202 while under way (POST again to continue), 200 with "
        "the report when done (and for every POST after)."
    ),
    responses={
        **documented(HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND),
        202: {"description": "Erasure under way: POST again to continue", "content": {content_types.APPLICATION_JSON: {"model": CustomerErasure}}},
    },
    tags=["Erasure"],
)
def erase_customer(customer_id: CustomerId, principal: CurrentPrincipal) -> Response[CustomerErasure]:
    job = deletion_service().erase_customer(principal, customer_id, keep_going=keep_going())
    return _answer(job, job.status == "erased")


@router.get("/retention", summary="The tenant's retention period", responses=documented(HTTPStatus.FORBIDDEN), tags=["Erasure"])
def get_retention(principal: CurrentPrincipal) -> RetentionPolicy:
    return RetentionPolicy(closed_case_days=deletion_service().retention_days(principal))


@router.put(
    "/retention",
    summary="Set the tenant's retention period (admins)",
    description="closedCaseDays: cases closed that many days ago are deleted by the retention sweeper (hourly), as "
    "DELETE /cases/{caseId} would (reason \"retention period elapsed\"); null keeps closed cases.",
    responses=documented(HTTPStatus.FORBIDDEN, body=True),
    tags=["Erasure"],
)
def set_retention(policy: Annotated[RetentionPolicy, Body()], principal: CurrentPrincipal) -> RetentionPolicy:
    deletion_service().set_retention_days(principal, policy.closed_case_days)
    return policy
