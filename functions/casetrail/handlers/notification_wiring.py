"""The notification pieces both the API (subscriptions) and the consumer (deliveries) build from
the settings, created once per function instance."""

import time
from functools import cache

import boto3

from casetrail.outbound.email_channel import EmailChannel
from casetrail.service.notifications import Notifier
from casetrail.outbound.signing_secrets import SigningSecrets
from casetrail.service.subscriptions import SubscriptionService
from casetrail.settings import get_settings
from casetrail.store.dynamo import Table
from casetrail.store.subscriptions import SubscriptionRepository
from casetrail.store.user_channels import UserChannelRepository
from casetrail.store.watchers import WatcherRepository
from casetrail.service.user_channels import UserChannels


@cache
def subscription_repository() -> SubscriptionRepository:
    return SubscriptionRepository(Table(get_settings().notifications_table_name))


@cache
def signing_secrets() -> SigningSecrets:
    return SigningSecrets(boto3.client("kms"), get_settings().signing_key_id)


@cache
def email_channel() -> EmailChannel:
    return EmailChannel(boto3.client("sns"), get_settings().notification_topic_arn)


@cache
def subscription_service() -> SubscriptionService:
    return SubscriptionService(
        subscription_repository(),
        secrets=signing_secrets(),
        email=email_channel(),
        allow_loopback_webhooks=get_settings().allow_loopback_webhooks,
    )


@cache
def user_channels() -> UserChannels:
    return UserChannels(UserChannelRepository(Table(get_settings().notifications_table_name)), email_channel())


@cache
def notifier() -> Notifier:
    settings = get_settings()
    return Notifier(
        subscription_repository(),
        secrets=signing_secrets(),
        email=email_channel(),
        link_base_url=settings.case_link_base_url,
        allow_loopback_webhooks=settings.allow_loopback_webhooks,
        clock=lambda: int(time.time()),
        watchers=WatcherRepository(Table(settings.cases_table_name)),
    )


def reset() -> None:
    """Forgets the cached pieces (tests change the environment between cases)."""
    for factory in (subscription_repository, signing_secrets, email_channel, subscription_service, user_channels, notifier):
        factory.cache_clear()
