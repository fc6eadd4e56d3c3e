"""Turns one case event into notifications: match the tenant's subscriptions, claim, send, record.

Each (event, subscription) pair is sent at most once (store/subscriptions.py claims); a failed
send is released and reported, so the event's queue message is retried while the pairs that
already succeeded are not sent again.
"""

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from casetrail.domain.errors import UnsafeWebhookUrl
from casetrail.domain.notification_messages import NotificationMessage, compose
from casetrail.domain.subscriptions import EmailTarget, matches, notification_events_of
from casetrail.domain.webhook_signatures import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    signature_header,
)
from casetrail.observability import logger
from casetrail.outbound import webhook_delivery
from casetrail.outbound.email_channel import EmailChannel
from casetrail.outbound.signing_secrets import SigningSecrets
from casetrail.outbound.webhook_urls import Resolver, resolve, vet
from casetrail.store.subscriptions import StoredSubscription, SubscriptionRepository

# A crashed send's claim is taken over after this long: longer than the function may run (30 s),
# shorter than the queue's visibility timeout (180 s), so the redelivered message finds it free.
CLAIM_LEASE_SECONDS = 60

Poster = Callable[[webhook_delivery.VettedUrl, bytes, dict[str, str]], int]


class DeliveryFailed(Exception):
    """Some subscriptions could not be notified yet: the event must be retried."""


@dataclass
class Outcome:
    sent: list[str] = field(default_factory=list)
    already_sent: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # webhook now resolving to a forbidden address
    failed: list[str] = field(default_factory=list)


class Notifier:
    def __init__(
        self,
        repository: SubscriptionRepository,
        *,
        secrets: SigningSecrets,
        email: EmailChannel,
        link_base_url: str | None,
        allow_loopback_webhooks: bool,
        clock: Callable[[], int],
        resolver: Resolver = resolve,
        poster: Poster = webhook_delivery.post,
    ):
        self._repository = repository
        self._secrets = secrets
        self._email = email
        self._link_base_url = link_base_url
        self._allow_loopback = allow_loopback_webhooks
        self._clock = clock
        self._resolver = resolver
        self._post = poster

    def notify(self, detail: dict[str, Any]) -> Outcome:
        outcome = Outcome()
        if not notification_events_of(detail):
            return outcome
        tenant_id, event_id = detail["tenantId"], detail["eventId"]
        wanted = [s for s in self._repository.list_for_tenant(tenant_id) if matches(s.subscription, detail)]
        if not wanted:
            return outcome
        message = compose(detail, link_base_url=self._link_base_url)
        for stored in wanted:
            subscription_id = stored.subscription.subscription_id
            claim = self._repository.claim(
                tenant_id, event_id, subscription_id, now=self._clock(), lease_seconds=CLAIM_LEASE_SECONDS
            )
            if claim is None:
                outcome.already_sent.append(subscription_id)
                continue
            try:
                self._send(stored, detail, message)
            except UnsafeWebhookUrl as refusal:
                # Permanent: retrying will not make an internal address acceptable. Kept as
                # delivered so a redelivery does not try again; ops see the log and the metric.
                logger.warning("Webhook refused", extra={"subscription_id": subscription_id, "reason": refusal.message})
                outcome.refused.append(subscription_id)
                self._repository.mark_delivered(claim)
                continue
            except Exception:  # noqa: BLE001  one receiver's failure must not stop the others
                logger.warning("Notification failed", extra={"subscription_id": subscription_id}, exc_info=True)
                self._repository.release(claim)
                outcome.failed.append(subscription_id)
                continue
            self._repository.mark_delivered(claim)
            outcome.sent.append(subscription_id)
        if outcome.failed:
            raise DeliveryFailed(f"event {event_id}: {len(outcome.failed)} subscription(s) to retry")
        return outcome

    def _send(self, stored: StoredSubscription, detail: dict[str, Any], message: NotificationMessage) -> None:
        subscription = stored.subscription
        if isinstance(subscription.target, EmailTarget):
            self._email.send(subscription.subscription_id, subscription.tenant_id, message)
            return
        target = vet(subscription.target.url, allow_loopback=self._allow_loopback, resolver=self._resolver)
        secret = self._secrets.decrypt(
            stored.secret_ciphertext, tenant_id=subscription.tenant_id, subscription_id=subscription.subscription_id
        )
        delivery_id = delivery_id_of(detail["eventId"], subscription.subscription_id)
        body = webhook_body(detail, message, subscription_id=subscription.subscription_id, delivery_id=delivery_id)
        timestamp = self._clock()
        self._post(
            target,
            body,
            {
                SIGNATURE_HEADER: signature_header(secret, timestamp, body),
                TIMESTAMP_HEADER: str(timestamp),
                DELIVERY_HEADER: delivery_id,
                EVENT_HEADER: detail["eventType"],
            },
        )


def delivery_id_of(event_id: str, subscription_id: str) -> str:
    # The same for every retry of one (event, subscription): a receiver can deduplicate on it.
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"casetrail:{event_id}:{subscription_id}"))


def webhook_body(detail: dict[str, Any], message: NotificationMessage, *, subscription_id: str, delivery_id: str) -> bytes:
    payload = {
        "deliveryId": delivery_id,
        "subscriptionId": subscription_id,
        "eventId": detail["eventId"],
        "eventType": detail["eventType"],
        "notifications": sorted(notification_events_of(detail)),
        "tenantId": detail["tenantId"],
        "caseId": detail.get("caseId"),
        "occurredAt": detail.get("approximateChangeTime"),
        "message": message.sentence,
        "link": message.link,
        "detail": detail,
    }
    return json.dumps(payload, separators=(",", ":")).encode()
