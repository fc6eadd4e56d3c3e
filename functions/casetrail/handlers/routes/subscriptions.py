"""HTTP routes for notification subscriptions (supervisors and admins only)."""

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path

from casetrail.domain.model_base import LazyModel
from casetrail.domain.subscriptions import CreatedSubscription, NewSubscription, Subscription
from casetrail.handlers.dependencies import CurrentPrincipal
from casetrail.handlers.errors import documented
from casetrail.handlers.notification_wiring import subscription_service

router = Router()

SubscriptionId = Annotated[str, Path(alias="subscriptionId", min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]


class SubscriptionList(LazyModel):
    items: list[Subscription]


@router.post(
    "/subscriptions",
    summary="Subscribe an email address or a webhook to case events",
    responses=documented(HTTPStatus.BAD_REQUEST, HTTPStatus.FORBIDDEN, success=HTTPStatus.CREATED, body=True),
    tags=["Notifications"],
)
def create_subscription(
    command: Annotated[NewSubscription, Body()], principal: CurrentPrincipal
) -> Response[CreatedSubscription]:
    created = subscription_service().create(principal, command)
    return Response(
        status_code=HTTPStatus.CREATED.value,
        content_type=content_types.APPLICATION_JSON,
        body=created,
    )


@router.get(
    "/subscriptions",
    summary="The tenant's subscriptions",
    responses=documented(HTTPStatus.FORBIDDEN),
    tags=["Notifications"],
)
def list_subscriptions(principal: CurrentPrincipal) -> SubscriptionList:
    return SubscriptionList(items=subscription_service().list_subscriptions(principal))


@router.get(
    "/subscriptions/<subscriptionId>",
    summary="Read a subscription (its signing secret is never shown again)",
    responses=documented(HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND),
    tags=["Notifications"],
)
def get_subscription(subscription_id: SubscriptionId, principal: CurrentPrincipal) -> Subscription:
    return subscription_service().get(principal, subscription_id)


@router.delete(
    "/subscriptions/<subscriptionId>",
    summary="Unsubscribe",
    responses=documented(HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND, success=HTTPStatus.NO_CONTENT),
    tags=["Notifications"],
)
def delete_subscription(subscription_id: SubscriptionId, principal: CurrentPrincipal) -> Response[None]:
    subscription_service().delete(principal, subscription_id)
    return Response(status_code=HTTPStatus.NO_CONTENT.value)
