"""A person's own notification channel: the email they sign in with, through the notification
topic. Watchers and mentioned users are told there (the notification consumer publishes with the
recipient's id as the message attribute the subscription's filter policy accepts).

The SNS subscription is created the first time a user watches a case or is mentioned (SNS emails
them a confirmation first, as for any email subscription); until they confirm, their messages reach
nobody. A channel that cannot be created (SNS refusing the address) never fails the watch or the
comment: it is logged, and tried again on the next one. Disabling a user closes theirs.
"""

from botocore.exceptions import BotoCoreError, ClientError

from casetrail.domain.users import User
from casetrail.domain.watching import recipient_of
from casetrail.observability import logger
from casetrail.outbound.email_channel import EmailChannel
from casetrail.store.user_channels import UserChannelRepository


class UserChannels:
    def __init__(self, channels: UserChannelRepository, email: EmailChannel):
        self._channels = channels
        self._email = email

    def open(self, tenant_id: str, users: list[User]) -> None:
        for user in users:
            if self._channels.exists(tenant_id, user.user_id):
                continue
            try:
                arn = self._email.subscribe(user.email, recipient_of(user.user_id))
            except (BotoCoreError, ClientError):
                logger.warning("A user's email channel could not be created", extra={"user_id": user.user_id}, exc_info=True)
                continue
            self._channels.record(tenant_id, user.user_id, arn)

    def close(self, tenant_id: str, user_id: str) -> None:
        """A disabled user is told nothing more: their subscription goes, and a later watch or
        mention (once enabled again) opens a new one."""
        arn = self._channels.subscription_arn(tenant_id, user_id)
        if arn is not None:
            self._email.unsubscribe(arn)
            self._channels.forget(tenant_id, user_id)
