"""Subscriptions and delivery records in DynamoDB: the only code that knows their keys.

A delivery record is a claim on "notify subscription S of event E". It is taken with a conditional
write before sending, so two copies of one event processed at the same time cannot both send;
it becomes `delivered` after a successful send (kept until its TTL, past any redelivery), or is
released after a failed one so the retry may claim it again. A claim left by a crashed function
expires after its lease, shorter than the queue's visibility timeout, so the redelivery can take it.
"""

import uuid
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from casetrail.domain.errors import SubscriptionNotFound
from casetrail.domain.subscriptions import Subscription
from casetrail.retention import DEDUPE_RETENTION_SECONDS
from casetrail.store import keys
from casetrail.store.dynamo import Table, serialize

ENTITY_SUBSCRIPTION = "SUBSCRIPTION"
_CLAIMED, _DELIVERED = "claimed", "delivered"


@dataclass(frozen=True)
class StoredSubscription:
    subscription: Subscription
    secret_ciphertext: str | None  # a webhook's signing secret, encrypted (outbound/signing_secrets.py)
    email_subscription_arn: str | None  # the SNS subscription that carries an email target's messages


@dataclass(frozen=True)
class Claim:
    tenant_id: str
    event_id: str
    subscription_id: str
    token: str


class SubscriptionRepository:
    def __init__(self, table: Table):
        self._table = table

    def add(self, stored: StoredSubscription) -> None:
        subscription = stored.subscription
        item = {
            **keys.subscription_item(subscription.tenant_id, subscription.subscription_id),
            "entity": ENTITY_SUBSCRIPTION,
            **subscription.to_wire(),
            "secretCiphertext": stored.secret_ciphertext,
            "emailSubscriptionArn": stored.email_subscription_arn,
        }
        self._table.transact_put_new([item])

    def list_for_tenant(self, tenant_id: str) -> list[StoredSubscription]:
        return [_stored(i) for i in self._table.query_all(pk=keys.subscriptions_partition(tenant_id))]

    def get(self, tenant_id: str, subscription_id: str) -> StoredSubscription:
        item = self._table.get(keys.subscription_item(tenant_id, subscription_id))
        if item is None:
            raise SubscriptionNotFound(f"subscription {subscription_id} was not found")
        return _stored(item)

    def remove(self, tenant_id: str, subscription_id: str) -> None:
        self._client.delete_item(
            TableName=self._table.name, Key=serialize(keys.subscription_item(tenant_id, subscription_id))
        )

    # --- delivery records ------------------------------------------------------------------

    def claim(self, tenant_id: str, event_id: str, subscription_id: str, *, now: int, lease_seconds: int) -> Claim | None:
        """Takes the right to notify; None when it was delivered already or another claim is live."""
        claim = Claim(tenant_id, event_id, subscription_id, token=uuid.uuid4().hex)
        item = {
            **keys.delivery_item(tenant_id, event_id, subscription_id),
            "state": _CLAIMED,
            "claimToken": claim.token,
            "leaseUntil": now + lease_seconds,
            # Past any redelivery and any replay of the archive (casetrail/retention.py).
            "expiresAt": now + DEDUPE_RETENTION_SECONDS,
        }
        try:
            self._client.put_item(
                TableName=self._table.name,
                Item=serialize(item),
                ConditionExpression="attribute_not_exists(pk) OR (#state = :claimed AND leaseUntil < :now)",
                ExpressionAttributeNames={"#state": "state"},
                ExpressionAttributeValues={":claimed": {"S": _CLAIMED}, ":now": {"N": str(now)}},
            )
            return claim
        except ClientError as error:
            if _condition_failed(error):
                return None
            raise

    def mark_delivered(self, claim: Claim) -> None:
        self._client.update_item(
            TableName=self._table.name,
            Key=serialize(keys.delivery_item(claim.tenant_id, claim.event_id, claim.subscription_id)),
            UpdateExpression="SET #state = :delivered REMOVE leaseUntil",
            ConditionExpression="claimToken = :token",
            ExpressionAttributeNames={"#state": "state"},
            ExpressionAttributeValues={":delivered": {"S": _DELIVERED}, ":token": {"S": claim.token}},
        )

    def release(self, claim: Claim) -> None:
        try:
            self._client.delete_item(
                TableName=self._table.name,
                Key=serialize(keys.delivery_item(claim.tenant_id, claim.event_id, claim.subscription_id)),
                ConditionExpression="claimToken = :token AND #state = :claimed",
                ExpressionAttributeNames={"#state": "state"},
                ExpressionAttributeValues={":claimed": {"S": _CLAIMED}, ":token": {"S": claim.token}},
            )
        except ClientError as error:
            if not _condition_failed(error):  # someone else's claim now: leave it alone
                raise

    @property
    def _client(self):
        return self._table.client


def _stored(item: dict[str, Any]) -> StoredSubscription:
    return StoredSubscription(
        subscription=Subscription.model_validate(item),
        secret_ciphertext=item.get("secretCiphertext"),
        email_subscription_arn=item.get("emailSubscriptionArn"),
    )


def _condition_failed(error: ClientError) -> bool:
    return error.response["Error"]["Code"] == "ConditionalCheckFailedException"
