"""Supervisor notifications: the email topic and the key that encrypts webhook signing secrets.

Two keys, so that what may publish an email cannot read a signing secret, and the other way round.
"""

from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from constructs import Construct

from casetrail.store.tables import NOTIFICATIONS_TABLE
from casetrail.topology import CASE_LINK_BASE_URL_ENV_VAR, NOTIFICATION_TOPIC_ENV_VAR, SIGNING_KEY_ENV_VAR
from infra.constructs.data import Data


class Notifications(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, data: Data):
        super().__init__(scope, construct_id)
        self._data = data
        self._topic_key = kms.Key(
            self, "TopicKey", description="Casetrail notification topic", enable_key_rotation=True
        )
        self.topic = sns.Topic(
            self, "Topic", display_name="Casetrail notifications", master_key=self._topic_key, enforce_ssl=True
        )
        self.signing_key = kms.Key(
            self, "SigningSecretsKey", description="Casetrail webhook signing secrets", enable_key_rotation=True
        )

    def allow_managing_subscriptions(self, function) -> None:
        """The API: stores subscriptions, subscribes email addresses, encrypts (never decrypts) secrets."""
        self._data.grant_read_write_delete(function, NOTIFICATIONS_TABLE)  # DELETE /subscriptions/{id}
        function.add_to_role_policy(
            iam.PolicyStatement(actions=["sns:Subscribe", "sns:Unsubscribe"], resources=[self.topic.topic_arn])
        )
        self.signing_key.grant(function, "kms:Encrypt")  # grant_encrypt would add ReEncrypt* and GenerateDataKey*
        for name, value in {**self._data.environment(NOTIFICATIONS_TABLE), **self._environment()}.items():
            function.add_environment(name, value)

    def allow_sending(self, function, *, case_link_base_url: str) -> None:
        """A consumer that notifies: publishes emails, decrypts secrets to sign webhooks."""
        # What publishing to an encrypted topic takes, spelled out: grant_publish would add the
        # wildcard kms:GenerateDataKey*, of which only GenerateDataKey is used.
        function.add_to_role_policy(iam.PolicyStatement(actions=["sns:Publish"], resources=[self.topic.topic_arn]))
        self._topic_key.grant(function, "kms:Decrypt", "kms:GenerateDataKey")
        self.signing_key.grant_decrypt(function)
        for name, value in {**self._environment(), CASE_LINK_BASE_URL_ENV_VAR: case_link_base_url}.items():
            function.add_environment(name, value)

    def _environment(self) -> dict[str, str]:
        return {NOTIFICATION_TOPIC_ENV_VAR: self.topic.topic_arn, SIGNING_KEY_ENV_VAR: self.signing_key.key_arn}
