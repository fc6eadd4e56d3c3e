"""Which users have their own email channel (an SNS subscription of the notification topic), in
the notifications table: one key lookup before creating one, so a person is asked to confirm once."""

from casetrail.store import keys
from casetrail.store.dynamo import Table, serialize

ENTITY_USER_CHANNEL = "USER_CHANNEL"


class UserChannelRepository:
    def __init__(self, table: Table):
        self._table = table

    def exists(self, tenant_id: str, user_id: str) -> bool:
        return self._table.get(keys.user_channel_item(tenant_id, user_id)) is not None

    def subscription_arn(self, tenant_id: str, user_id: str) -> str | None:
        item = self._table.get(keys.user_channel_item(tenant_id, user_id))
        return item.get("subscriptionArn") if item else None

    def forget(self, tenant_id: str, user_id: str) -> None:
        self._table.client.delete_item(TableName=self._table.name, Key=serialize(keys.user_channel_item(tenant_id, user_id)))

    def record(self, tenant_id: str, user_id: str, subscription_arn: str) -> None:
        self._table.put_if_absent(
            {**keys.user_channel_item(tenant_id, user_id), "entity": ENTITY_USER_CHANNEL, "subscriptionArn": subscription_arn}
        )
