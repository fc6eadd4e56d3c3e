"""A Casetrail Lambda function: the shared code and layer, traced, logging to its own log group."""

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from casetrail.observability import DEPLOYED_ENVIRONMENT
from infra.constructs.packaging import ARCHITECTURE, RUNTIME, Packaging

LOG_RETENTION = logs.RetentionDays.ONE_MONTH


class CasetrailFunction(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        packaging: Packaging,
        handler: str,
        description: str,
        environment: dict[str, str],
        timeout: cdk.Duration,
        memory_size: int = 512,
    ):
        super().__init__(scope, construct_id)
        log_group = logs.LogGroup(self, "Logs", retention=LOG_RETENTION)
        # Our own role rather than the default one with AWSLambdaBasicExecutionRole, which may write
        # to any log group in the account: this one writes to its own log group only.
        role = iam.Role(self, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
        log_group.grant_write(role)
        self.function = lambda_.Function(
            self,
            "Function",
            description=description,
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            code=packaging.code,
            layers=[packaging.dependencies],
            handler=handler,
            # Powertools' settings; the X-Ray SDK off, Lambda's own tracing on (casetrail/observability.py).
            environment={**DEPLOYED_ENVIRONMENT, **environment},
            timeout=timeout,
            memory_size=memory_size,
            tracing=lambda_.Tracing.ACTIVE,
            log_group=log_group,
            role=role,
        )
        cdk.Validations.of(self).acknowledge(
            cdk.Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason="Only for actions that have no resource-level permissions: X-Ray's PutTraceSegments and "
                "PutTelemetryRecords (active tracing) and, for a stream consumer, dynamodb:ListStreams.",
            ),
            cdk.Acknowledgment(
                id="AwsSolutions-L1",
                reason="Python 3.12 on purpose: the dependency layer is built for CPython 3.12 (packaging.py) "
                "and the code is tested on it; a newer runtime is a deliberate change of both together.",
            ),
        )
