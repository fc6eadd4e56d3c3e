"""HTTP routes for customers. Thin: parse, call the service, shape the response."""

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from casetrail.domain.model_base import LazyModel
from casetrail.domain.customers import Customer, CustomerPatch, NewCustomer
from casetrail.domain.statuses import CaseStatus
from casetrail.handlers.dependencies import customer_service
from casetrail.handlers.errors import documented
from casetrail.handlers.routes.cases import CaseList, CurrentPrincipal, PageSize, PageToken

router = Router()

CustomerId = Annotated[str, Path(alias="customerId", min_length=1, max_length=128, pattern=r"^[^#\s/]+$")]


class CustomerList(LazyModel):
    items: list[Customer]


@router.post(
    "/customers",
    summary="Create a customer",
    responses=documented(HTTPStatus.CONFLICT, success=HTTPStatus.CREATED, body=True),
    tags=["Customers"],
)
def create_customer(command: Annotated[NewCustomer, Body()], principal: CurrentPrincipal) -> Response[Customer]:
    customer = customer_service().create(principal, command)
    return Response(status_code=201, content_type=content_types.APPLICATION_JSON, body=customer)


@router.get(
    "/customers",
    summary="Look a customer up by E.164 phone or (case-insensitive) email",
    responses=documented(HTTPStatus.BAD_REQUEST),
    tags=["Customers"],
)
def find_customers(
    principal: CurrentPrincipal,
    phone: Annotated[str | None, Query(max_length=16, pattern=r"^\+[1-9]\d{6,14}$")] = None,
    email: Annotated[str | None, Query(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] = None,
) -> CustomerList:
    return CustomerList(items=customer_service().find(principal, phone=phone, email=email.lower() if email else None))


@router.get(
    "/customers/<customerId>",
    summary="Read a customer",
    responses=documented(HTTPStatus.NOT_FOUND),
    tags=["Customers"],
)
def get_customer(customer_id: CustomerId, principal: CurrentPrincipal) -> Customer:
    return customer_service().get(principal, customer_id)


@router.patch(
    "/customers/<customerId>",
    summary="Change a customer",
    responses=documented(HTTPStatus.NOT_FOUND, HTTPStatus.CONFLICT, HTTPStatus.PRECONDITION_FAILED, body=True),
    tags=["Customers"],
)
def update_customer(customer_id: CustomerId, patch: Annotated[CustomerPatch, Body()], principal: CurrentPrincipal) -> Customer:
    return customer_service().update(principal, customer_id, patch)


@router.get(
    "/customers/<customerId>/cases",
    summary="A customer's cases, newest first",
    responses=documented(HTTPStatus.BAD_REQUEST, HTTPStatus.NOT_FOUND),
    tags=["Customers"],
)
def customer_cases(
    customer_id: CustomerId,
    principal: CurrentPrincipal,
    status: Annotated[CaseStatus | None, Query()] = None,
    limit: PageSize = 25,
    next_token: PageToken = None,
) -> CaseList:
    page = customer_service().cases(
        principal, customer_id, status=status.value if status else None, limit=limit, next_token=next_token
    )
    return CaseList(items=page.items, next_token=page.next_token)
