"""The server access-log bucket that each private bucket of the stack logs to."""

import aws_cdk as cdk
from aws_cdk import aws_s3 as s3
from constructs import Construct

EXPIRE_AFTER = cdk.Duration.days(365)


def access_log_bucket(scope: Construct, *, logs_of: str) -> s3.Bucket:
    """A private, TLS-only bucket for S3 server access logs and CloudFront standard logs, kept a year."""
    bucket = s3.Bucket(
        scope,
        "AccessLogs",
        encryption=s3.BucketEncryption.S3_MANAGED,  # log delivery cannot write to KMS-encrypted buckets
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        enforce_ssl=True,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,  # CloudFront's standard logs use ACLs
        lifecycle_rules=[s3.LifecycleRule(expiration=EXPIRE_AFTER)],
        removal_policy=cdk.RemovalPolicy.RETAIN,
    )
    cdk.Validations.of(bucket).acknowledge(
        cdk.Acknowledgment(id="AwsSolutions-S1", reason=f"This is the access-log bucket of {logs_of}; logging it to itself would loop.")
    )
    return bucket
