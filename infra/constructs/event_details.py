"""The bucket of claim-checked event details: the full detail of an event too large for the bus.

The stream publisher puts a detail here (under `event-details/`) before it publishes the trimmed
event that points at it; consumers read it back. Kept as long as the data lake keeps the events
that point at it (no expiry; older objects move to cheaper storage), and beyond the bus archive's
365 days, so a replayed event still resolves.
"""

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

from casetrail.store.event_details import KEY_PREFIX
from infra.constructs.access_logs import access_log_bucket
from casetrail.topology import EVENT_DETAILS_BUCKET_ENV_VAR

INFREQUENT_ACCESS_AFTER = cdk.Duration.days(90)
GLACIER_AFTER = cdk.Duration.days(365)


class EventDetails(Construct):
    def __init__(self, scope: Construct, construct_id: str):
        super().__init__(scope, construct_id)
        access_logs = access_log_bucket(self, logs_of="the event details bucket")
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            enforce_ssl=True,
            versioned=True,
            server_access_logs_bucket=access_logs,
            server_access_logs_prefix="event-details/",
            removal_policy=cdk.RemovalPolicy.RETAIN,
            lifecycle_rules=[
                s3.LifecycleRule(
                    transitions=[
                        s3.Transition(storage_class=s3.StorageClass.INFREQUENT_ACCESS, transition_after=INFREQUENT_ACCESS_AFTER),
                        s3.Transition(storage_class=s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transition_after=GLACIER_AFTER),
                    ],
                    noncurrent_version_expiration=cdk.Duration.days(30),
                )
            ],
        )

    def environment(self) -> dict[str, str]:
        return {EVENT_DETAILS_BUCKET_ENV_VAR: self.bucket.bucket_name}

    def grant_put(self, grantee: iam.IGrantable) -> None:
        self._grant(grantee, "s3:PutObject", "Puts the full detail of each event too large for the bus, keyed by its event id")

    def grant_get(self, grantee: iam.IGrantable) -> None:
        self._grant(grantee, "s3:GetObject", "Reads the full detail a claim-checked event points at (keys are made per event)")

    def grant_removal(self, grantee: iam.IGrantable) -> None:
        """Deleting a case removes its claim-checked details (under its own key prefix), every version."""
        iam.Grant.add_to_principal(grantee=grantee, actions=["s3:ListBucketVersions"], resource_arns=[self.bucket.bucket_arn])
        self._grant(grantee, "s3:DeleteObjectVersion", "Removes the claim-checked details of deleted cases (keys are per tenant and case)")

    def _grant(self, grantee: iam.IGrantable, action: str, reason: str) -> None:
        # Not grant_put/grant_read: those add wildcard actions (Abort*, GetBucket*, List*) unused here.
        iam.Grant.add_to_principal(grantee=grantee, actions=[action], resource_arns=[self.bucket.arn_for_objects(f"{KEY_PREFIX}/*")])
        bucket_id = cdk.Stack.of(self).get_logical_id(self.bucket.node.default_child)
        cdk.Validations.of(grantee.grant_principal).acknowledge(
            cdk.Acknowledgment(id=f"AwsSolutions-IAM5[Resource::<{bucket_id}.Arn>/{KEY_PREFIX}/*]", reason=reason)
        )
