"""The bucket of file related items: private, encrypted, versioned, TLS only, access-logged.

Clients upload and download with presigned URLs the API function signs, so the function's role
needs only object put and get on this one bucket."""

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

from casetrail.topology import FILES_BUCKET_ENV_VAR
from infra.constructs.access_logs import access_log_bucket


class Files(Construct):
    def __init__(self, scope: Construct, construct_id: str):
        super().__init__(scope, construct_id)
        access_logs = access_log_bucket(self, logs_of="the files bucket")
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            versioned=True,
            server_access_logs_bucket=access_logs,
            server_access_logs_prefix="files/",
            removal_policy=cdk.RemovalPolicy.RETAIN,
            # Browsers upload with the presigned POST straight to S3.
            cors=[s3.CorsRule(allowed_methods=[s3.HttpMethods.POST, s3.HttpMethods.GET], allowed_origins=["*"], allowed_headers=["*"])],
        )

    def environment(self) -> dict[str, str]:
        return {FILES_BUCKET_ENV_VAR: self.bucket.bucket_name}

    def grant_presigning(self, grantee: iam.IGrantable) -> None:
        """Presigned URLs act with the signer's permissions: object put and get, nothing else."""
        # Not grant_put/grant_read: those add wildcard actions (Abort*, GetBucket*, List*) unused here.
        iam.Grant.add_to_principal(
            grantee=grantee, actions=["s3:PutObject", "s3:GetObject"], resource_arns=[self.bucket.arn_for_objects("*")]
        )
        cdk.Validations.of(grantee.grant_principal).acknowledge(
            cdk.Acknowledgment(
                id=f"AwsSolutions-IAM5[Resource::<{cdk.Stack.of(self).get_logical_id(self.bucket.node.default_child)}.Arn>/*]",
                reason="Signs upload and download URLs for any file object of the files bucket (keys are per tenant and case, made at request time).",
            )
        )

    def grant_removal(self, grantee: iam.IGrantable) -> None:
        """Deleting a case or a file item removes its objects, every version (the bucket is versioned:
        a plain delete would keep the bytes behind a delete marker)."""
        iam.Grant.add_to_principal(grantee=grantee, actions=["s3:ListBucketVersions"], resource_arns=[self.bucket.bucket_arn])
        iam.Grant.add_to_principal(
            grantee=grantee, actions=["s3:DeleteObjectVersion"], resource_arns=[self.bucket.arn_for_objects("*")]
        )
        cdk.Validations.of(grantee.grant_principal).acknowledge(
            cdk.Acknowledgment(
                id=f"AwsSolutions-IAM5[Resource::<{cdk.Stack.of(self).get_logical_id(self.bucket.node.default_child)}.Arn>/*]",
                reason="Removes the file objects of deleted cases and items (keys are per tenant and case, known only at deletion).",
            )
        )
