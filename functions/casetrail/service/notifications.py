"""Turns one case event into notifications: match the tenant's subscriptions, claim, send, record.

Each (event, recipient) pair is sent at most once (store/subscriptions.py claims); a recipient is
a subscription, or a person watching the case or mentioned in it (domain/watching.py), told by
email on their own channel (service/user_channels.py). A failed send is released and reported, so
the event's queue message is retried while the pairs that already succeeded are not sent again.

The subscriptions of one event are notified in parallel (a bounded pool), each send with its own
deadline, and all of them within the time budget the caller gives (below the function's timeout):
a slow or dead receiver costs its own delivery, never another's. A send that cannot finish within
the budget is left claimed; its lease expires before SQS delivers the message again.
"""

import json
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from casetrail.domain.errors import UnsafeWebhookUrl
from casetrail.domain.notification_messages import NotificationMessage, compose, message_for_person
from casetrail.domain.subscriptions import EmailTarget, matches, notification_events_of
from casetrail.domain.watching import is_watched, newly_mentioned, recipient_of, watchers_to_notify
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
from casetrail.service.tenant_settings_cache import TenantSettingsCache
from casetrail.store.subscriptions import StoredSubscription, SubscriptionRepository
from casetrail.store.watchers import WatcherRepository

# A crashed send's claim is taken over after this long: longer than the function may run (30 s),
# shorter than the queue's visibility timeout (180 s), so the redelivered message finds it free.
CLAIM_LEASE_SECONDS = 60
# At most this many sends at once per event (a tenant has at most 100 subscriptions).
MAX_PARALLEL_SENDS = 10
# A send is not started with less time than this left in the budget: it is left for the retry.
MIN_SEND_SECONDS = 1.0
DEFAULT_BUDGET_SECONDS = 20.0

Poster = Callable[..., int]  # (target, body, headers, *, deadline_seconds) -> HTTP status


class _NotStarted(Exception):
    """The budget ran out before this send could start."""


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
        watchers: WatcherRepository | None = None,
    ):
        self._repository = repository
        self._subscriptions = TenantSettingsCache(repository.list_for_tenant)
        self._secrets = secrets
        self._email = email
        self._link_base_url = link_base_url
        self._allow_loopback = allow_loopback_webhooks
        self._clock = clock
        self._resolver = resolver
        self._post = poster
        self._watchers = watchers

    def notify(self, detail: dict[str, Any], *, budget_seconds: float = DEFAULT_BUDGET_SECONDS) -> Outcome:
        budget_ends = time.monotonic() + budget_seconds
        outcome = Outcome()
        tenant_id, event_id = detail["tenantId"], detail["eventId"]
        wanted = self._subscribers(detail) + self._people(detail)
        if not wanted:
            return outcome
        message = compose(detail, link_base_url=self._link_base_url)
        claimed = []
        for recipient in wanted:
            claim = self._repository.claim(
                tenant_id, event_id, recipient.recipient_id, now=self._clock(), lease_seconds=CLAIM_LEASE_SECONDS
            )
            if claim is None:
                outcome.already_sent.append(recipient.recipient_id)
            else:
                claimed.append((recipient, claim))
        if claimed:
            self._deliver_all(claimed, detail, message, budget_ends, outcome)
        if outcome.failed:
            raise DeliveryFailed(f"event {event_id}: {len(outcome.failed)} recipient(s) to retry")
        return outcome

    def _subscribers(self, detail: dict[str, Any]) -> list["_Recipient"]:
        if not notification_events_of(detail):
            return []
        subscriptions = self._subscriptions.get(detail["tenantId"])
        return [_Recipient(s.subscription.subscription_id, subscription=s) for s in subscriptions if matches(s.subscription, detail)]

    def _people(self, detail: dict[str, Any]) -> list["_Recipient"]:
        """The case's watchers (one Query) and the users a comment newly mentions, each once, never
        the person who made the change."""
        if self._watchers is None or not detail.get("caseId") or not is_watched(detail):
            return []
        mentioned = newly_mentioned(detail)
        watching = [w.principal_id for w in self._watchers.of_case(detail["tenantId"], detail["caseId"])]
        people = watchers_to_notify(detail, [*mentioned, *watching])
        return [_Recipient(recipient_of(user_id), user_id=user_id, mentioned=user_id in mentioned) for user_id in people]

    def _deliver_all(self, claimed, detail: dict[str, Any], message: NotificationMessage, budget_ends: float, outcome: Outcome) -> None:
        pool = ThreadPoolExecutor(max_workers=min(MAX_PARALLEL_SENDS, len(claimed)), thread_name_prefix="notify")
        futures = {
            pool.submit(self._deliver, recipient, claim, detail, message, budget_ends): recipient.recipient_id
            for recipient, claim in claimed
        }
        # Every send ends by its own deadline, within the budget; the margin covers recording it.
        done, unfinished = wait(futures, timeout=max(0.0, budget_ends - time.monotonic()) + MIN_SEND_SECONDS)
        pool.shutdown(wait=False, cancel_futures=True)
        for future in done:
            if future.exception() is not None:  # recording the result failed: the retry will tell
                logger.warning("Recording a notification failed", extra={"subscription_id": futures[future]}, exc_info=future.exception())
                outcome.failed.append(futures[future])
            else:
                getattr(outcome, future.result()).append(futures[future])
        # Still running (a DNS lookup or AWS call that outlived the budget): the claim stays until its
        # lease expires, and the redelivered message tries again.
        outcome.failed.extend(futures[future] for future in unfinished)

    def _deliver(self, recipient: "_Recipient", claim, detail: dict[str, Any], message: NotificationMessage, budget_ends: float) -> str:
        """One recipient's send and its record; returns the Outcome list it belongs to."""
        subscription_id = recipient.recipient_id
        try:
            seconds_left = budget_ends - time.monotonic()
            if seconds_left < MIN_SEND_SECONDS:
                raise _NotStarted()
            if recipient.subscription is None:
                self._email.send(recipient.recipient_id, detail["tenantId"], message_for_person(detail, message, mentioned=recipient.mentioned))
            else:
                self._send(recipient.subscription, detail, message, deadline_seconds=min(webhook_delivery.DEADLINE_SECONDS, seconds_left))
        except UnsafeWebhookUrl as refusal:
            # Permanent: retrying will not make an internal address acceptable. Kept as
            # delivered so a redelivery does not try again; ops see the log and the metric.
            logger.warning("Webhook refused", extra={"subscription_id": subscription_id, "reason": refusal.message})
            self._repository.mark_delivered(claim)
            return "refused"
        except Exception:  # noqa: BLE001  one receiver's failure must not stop the others
            logger.warning("Notification failed", extra={"subscription_id": subscription_id}, exc_info=True)
            self._repository.release(claim)
            return "failed"
        self._repository.mark_delivered(claim)
        return "sent"

    def _send(self, stored: StoredSubscription, detail: dict[str, Any], message: NotificationMessage, *, deadline_seconds: float) -> None:
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
            deadline_seconds=deadline_seconds,
        )


@dataclass(frozen=True)
class _Recipient:
    """Whom one delivery goes to: a subscription, or a person (a watcher, someone mentioned)."""

    recipient_id: str  # the subscription's id, or recipient_of(userId): the delivery record's key
    subscription: StoredSubscription | None = None
    user_id: str | None = None
    mentioned: bool = False


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
