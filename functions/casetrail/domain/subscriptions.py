"""Notification subscriptions: who wants to hear about which case events, and the matching rules.

Pure: the API validates with these models, the store keeps them, the consumer matches events
against them. The signing secret of a webhook is not part of a Subscription: it is returned once
on creation and kept encrypted apart from it (see outbound/signing_secrets.py).
"""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import Field, StrictBool, field_validator

from casetrail.domain.model_base import CamelModel, CommandModel, Identifier
from casetrail.domain.statuses import CaseStatus, Priority

MAX_SUBSCRIPTIONS_PER_TENANT = 100  # bounds the one query the consumer makes per event


class NotificationEvent(StrEnum):
    """What a subscriber can ask to hear about. CASE.ASSIGNED is a CASE.UPDATED whose assignee or
    queue changed; the others are the events' own eventType."""

    CASE_CREATED = "CASE.CREATED"
    CASE_UPDATED = "CASE.UPDATED"
    CASE_ASSIGNED = "CASE.ASSIGNED"
    TASK_OVERDUE = "TASK.OVERDUE"
    SLA_BREACHED = "SLA.BREACHED"
    RULE_NOTIFY = "RULE.NOTIFY"  # a rule's notify action (domain/rules.py)


# The bus events the notification consumer needs to receive to serve every NotificationEvent.
SOURCE_EVENT_TYPES = ("CASE.CREATED", "CASE.UPDATED", "TASK.OVERDUE", "SLA.BREACHED", "RULE.NOTIFY")
_ASSIGNMENT_FIELDS = {"assignee", "queue"}


class EmailTarget(CommandModel):
    type: Literal["email"]
    address: Annotated[str, Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]


class WebhookTarget(CommandModel):
    type: Literal["webhook"]
    url: Annotated[str, Field(min_length=8, max_length=2048)]  # vetted for SSRF by outbound/webhook_urls.py


Target = Annotated[EmailTarget | WebhookTarget, Field(discriminator="type")]


class SubscriptionFilter(CommandModel):
    """Narrows the chosen events; every condition given must hold (an empty filter matches all)."""

    priorities: list[Priority] | None = Field(default=None, min_length=1, description="The case's priority is one of these")
    queues: list[Identifier] | None = Field(default=None, min_length=1, max_length=50, description="The case's queue is one of these")
    status_changed: StrictBool = Field(default=False, description="Only updates that change the status")
    status_to: list[CaseStatus] | None = Field(default=None, min_length=1, description="Only updates that move the status to one of these")


class NewSubscription(CommandModel):
    """Body of POST /subscriptions."""

    target: Target
    events: list[NotificationEvent] = Field(min_length=1, max_length=len(NotificationEvent))
    filter: SubscriptionFilter = Field(default_factory=SubscriptionFilter)

    @field_validator("events")
    @classmethod
    def _unique(cls, events: list[NotificationEvent]) -> list[NotificationEvent]:
        return list(dict.fromkeys(events))


class Subscription(CamelModel):
    """A subscription as stored and returned (never with its signing secret)."""

    subscription_id: str
    tenant_id: str
    target: Target
    events: list[NotificationEvent]
    filter: SubscriptionFilter
    created_at: datetime
    created_by: str


class CreatedSubscription(Subscription):
    """The answer to POST /subscriptions: the only time a webhook's signing secret is shown."""

    signing_secret: str | None = Field(default=None, description="Webhook only: store it now, it is never shown again")


def notification_events_of(detail: dict[str, Any]) -> set[NotificationEvent]:
    """Which NotificationEvents a bus event detail is (an update may also be an assignment)."""
    event_type = detail.get("eventType")
    if event_type not in SOURCE_EVENT_TYPES:
        return set()
    kinds = {NotificationEvent(event_type)}
    if event_type == NotificationEvent.CASE_UPDATED and _ASSIGNMENT_FIELDS & set(detail.get("changedFieldIds") or ()):
        kinds.add(NotificationEvent.CASE_ASSIGNED)
    return kinds


def matches(subscription: Subscription, detail: dict[str, Any]) -> bool:
    if not notification_events_of(detail) & set(subscription.events):
        return False
    wanted = subscription.filter
    case = detail.get("case") or {}
    if wanted.priorities is not None and case.get("priority") not in wanted.priorities:
        return False
    if wanted.queues is not None and case.get("queue") not in wanted.queues:
        return False
    new_status = _new_value(detail, "status")
    if wanted.status_changed and new_status is None:
        return False
    if wanted.status_to is not None and new_status not in wanted.status_to:
        return False
    return True


def _new_value(detail: dict[str, Any], field_id: str) -> Any:
    if detail.get("eventType") != NotificationEvent.CASE_UPDATED:
        return None
    return next((c.get("newValue") for c in detail.get("changes") or () if c.get("fieldId") == field_id), None)
