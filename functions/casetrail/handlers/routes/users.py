"""HTTP routes for users: the caller, and the tenant's people (for assignee pickers)."""

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import Field

from casetrail.domain.model_base import LazyModel
from casetrail.domain.users import User
from casetrail.handlers.dependencies import CurrentPrincipal, user_directory
from casetrail.handlers.errors import documented
from casetrail.service.cases import MAX_PAGE_SIZE

router = Router()


class UserList(LazyModel):
    items: list[User]
    next_token: str | None = Field(default=None, serialization_alias="nextToken")


@router.get(
    "/users/me",
    summary="The signed-in user (404 USER_NOT_FOUND for an API key: a key is not a person)",
    responses=documented(HTTPStatus.NOT_FOUND),
    tags=["Users"],
)
def current_user(principal: CurrentPrincipal) -> User:
    return user_directory().me(principal)


@router.get(
    "/users",
    summary="The tenant's users (id, name, email, role, active): an assignee names one by userId",
    responses=documented(HTTPStatus.BAD_REQUEST),
    tags=["Users"],
)
def list_users(
    principal: CurrentPrincipal,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Items per page")] = 50,
    next_token: Annotated[str | None, Query(alias="nextToken", max_length=2048, description="From the previous page")] = None,
) -> UserList:
    page = user_directory().page(principal, limit=limit, next_token=next_token)
    return UserList(items=page.items, next_token=page.next_token)
