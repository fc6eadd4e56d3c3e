"""Email notifications through one SNS topic.

Each email target is an SNS email subscription of the topic whose filter policy accepts only
messages carrying its own `subscriptionId` attribute, so one publish reaches exactly one address.
SNS rather than SES: SNS makes the recipient confirm (nobody can be subscribed to mail they did not
ask for), handles unsubscribe links and bounces, and needs no verified sending domain; the price is
plain-text mail from AWS Notifications, which suits short alerts.
"""

import json

from botocore.exceptions import ClientError

from casetrail.domain.notification_messages import NotificationMessage

SUBSCRIPTION_ATTRIBUTE = "subscriptionId"


class EmailChannel:
    def __init__(self, sns_client, topic_arn: str):
        self._sns = sns_client
        self._topic_arn = topic_arn

    def subscribe(self, address: str, subscription_id: str) -> str:
        """Starts the SNS subscription (the address receives a confirmation email first)."""
        response = self._sns.subscribe(
            TopicArn=self._topic_arn,
            Protocol="email",
            Endpoint=address,
            Attributes={"FilterPolicy": json.dumps({SUBSCRIPTION_ATTRIBUTE: [subscription_id]})},
            ReturnSubscriptionArn=True,
        )
        return response["SubscriptionArn"]

    def unsubscribe(self, subscription_arn: str) -> None:
        try:
            self._sns.unsubscribe(SubscriptionArn=subscription_arn)
        except ClientError as error:
            # Already gone (or never confirmed): either way no message can reach it any more,
            # since nothing is published with its subscriptionId once the subscription is deleted.
            if error.response["Error"]["Code"] not in ("NotFound", "InvalidParameter"):
                raise

    def send(self, subscription_id: str, tenant_id: str, message: NotificationMessage) -> None:
        self._sns.publish(
            TopicArn=self._topic_arn,
            Subject=message.subject,
            Message=message.text,
            MessageAttributes={
                SUBSCRIPTION_ATTRIBUTE: {"DataType": "String", "StringValue": subscription_id},
                "tenantId": {"DataType": "String", "StringValue": tenant_id},
            },
        )
