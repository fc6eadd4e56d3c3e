"""Subscription use cases: supervisors and admins manage their tenant's notification subscriptions."""

import uuid

from casetrail.domain.errors import TooManySubscriptions
from casetrail.domain.identity import Principal, require_supervising
from casetrail.domain.subscriptions import (
    MAX_SUBSCRIPTIONS_PER_TENANT,
    CreatedSubscription,
    EmailTarget,
    NewSubscription,
    Subscription,
    WebhookTarget,
)
from casetrail.domain.webhook_signatures import new_signing_secret
from casetrail.service.cases import Clock, utc_now
from casetrail.outbound.email_channel import EmailChannel
from casetrail.outbound.signing_secrets import SigningSecrets
from casetrail.outbound.webhook_urls import Resolver, resolve, vet
from casetrail.store.subscriptions import StoredSubscription, SubscriptionRepository



class SubscriptionService:
    def __init__(
        self,
        repository: SubscriptionRepository,
        *,
        secrets: SigningSecrets,
        email: EmailChannel,
        allow_loopback_webhooks: bool,
        resolver: Resolver = resolve,
        clock: Clock = utc_now,
    ):
        self._repository = repository
        self._secrets = secrets
        self._email = email
        self._allow_loopback = allow_loopback_webhooks
        self._resolver = resolver
        self._clock = clock

    def create(self, principal: Principal, command: NewSubscription) -> CreatedSubscription:
        _require_manager(principal)
        if len(self._repository.list_for_tenant(principal.tenant_id)) >= MAX_SUBSCRIPTIONS_PER_TENANT:
            raise TooManySubscriptions(f"a tenant may have at most {MAX_SUBSCRIPTIONS_PER_TENANT} subscriptions")
        subscription = Subscription(
            subscription_id=str(uuid.uuid4()),
            tenant_id=principal.tenant_id,
            target=command.target,
            events=command.events,
            filter=command.filter,
            created_at=self._clock(),
            created_by=principal.principal_id,
        )
        secret = ciphertext = email_arn = None
        if isinstance(command.target, WebhookTarget):
            vet(command.target.url, allow_loopback=self._allow_loopback, resolver=self._resolver)
            secret = new_signing_secret()
            ciphertext = self._secrets.encrypt(
                secret, tenant_id=subscription.tenant_id, subscription_id=subscription.subscription_id
            )
        elif isinstance(command.target, EmailTarget):
            email_arn = self._email.subscribe(command.target.address, subscription.subscription_id)
        self._repository.add(StoredSubscription(subscription, ciphertext, email_arn))
        return CreatedSubscription(**subscription.model_dump(), signing_secret=secret)

    def list_subscriptions(self, principal: Principal) -> list[Subscription]:
        _require_manager(principal)
        return [s.subscription for s in self._repository.list_for_tenant(principal.tenant_id)]

    def get(self, principal: Principal, subscription_id: str) -> Subscription:
        _require_manager(principal)
        return self._repository.get(principal.tenant_id, subscription_id).subscription

    def delete(self, principal: Principal, subscription_id: str) -> None:
        _require_manager(principal)
        stored = self._repository.get(principal.tenant_id, subscription_id)
        if stored.email_subscription_arn:
            self._email.unsubscribe(stored.email_subscription_arn)
        self._repository.remove(principal.tenant_id, subscription_id)


def _require_manager(principal: Principal) -> None:
    require_supervising(principal, "manage notification subscriptions")
