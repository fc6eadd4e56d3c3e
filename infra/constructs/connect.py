"""The Amazon Connect contact-flow functions (topology.CONTACT_FLOW_FUNCTIONS): each with its table
grants, invocable by Connect from the configured instances only, and associated with them.

The instances come from CDK context `connectInstances`: a map {instanceArn: tenantId}, or a list
of {"instanceArn", "tenantId"} (as JSON text too, as `cdk deploy -c` passes it).
"""

import json
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_connect as connect
from aws_cdk import aws_iam as iam
from constructs import Construct

from casetrail.topology import CONNECT_INSTANCES_ENV_VAR, CONTACT_FLOW_TIMEOUT_SECONDS, ContactFlowFunction
from infra.constructs.data import Data
from infra.constructs.function import CasetrailFunction
from infra.constructs.monitoring import Monitoring
from infra.constructs.packaging import Packaging

CONTEXT_KEY = "connectInstances"
TIMEOUT = cdk.Duration.seconds(CONTACT_FLOW_TIMEOUT_SECONDS)
# More memory is more CPU: a shorter cold start for a caller waiting on the line.
MEMORY_MB = 1024


def connect_instances(context: Any) -> dict[str, str]:
    """The context value as {instanceArn: tenantId}; an ARN that is not a Connect instance fails the synth."""
    if isinstance(context, str):
        context = json.loads(context)
    if isinstance(context, list):
        context = {entry["instanceArn"]: entry["tenantId"] for entry in context}
    instances = dict(context or {})
    for arn in instances:
        if not (arn.startswith("arn:aws") and ":connect:" in arn and ":instance/" in arn):
            raise ValueError(f"{CONTEXT_KEY}: {arn} is not an Amazon Connect instance ARN")
    return instances


class ContactFlows(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        functions: tuple[ContactFlowFunction, ...],
        instances: dict[str, str],
        packaging: Packaging,
        data: Data,
        monitoring: Monitoring,
    ):
        super().__init__(scope, construct_id)
        self.functions = {}
        for spec in functions:
            construct = Construct(self, spec.logical_id)
            function = CasetrailFunction(
                construct,
                "Function",
                packaging=packaging,
                handler=spec.handler,
                description=spec.description,
                environment={**data.environment(*spec.reads, *spec.writes), CONNECT_INSTANCES_ENV_VAR: json.dumps(instances)},
                timeout=TIMEOUT,
                memory_size=MEMORY_MB,
            ).function
            data.grant_declared(function, reads=spec.reads, writes=spec.writes, deletes=spec.deletes)
            monitoring.alarm_on_errors(construct, function)
            for number, instance_arn in enumerate(sorted(instances), start=1):
                function.add_permission(
                    f"InvokedByConnect{number}",
                    principal=iam.ServicePrincipal("connect.amazonaws.com"),
                    source_arn=instance_arn,
                    source_account=instance_arn.split(":")[4],
                )
                connect.CfnIntegrationAssociation(
                    construct,
                    f"Association{number}",
                    instance_id=instance_arn,
                    integration_arn=function.function_arn,
                    integration_type="LAMBDA_FUNCTION",
                )
            cdk.CfnOutput(scope, f"{spec.logical_id}FunctionArn", value=function.function_arn)
            self.functions[spec.name] = function
