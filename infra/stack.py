"""The Casetrail stack: composes one construct per concern and exports what the admin CLI reads."""

import aws_cdk as cdk
from constructs import Construct

from casetrail import topology
from casetrail.configuration import function_environment
from casetrail.store.tables import ALL_TABLES
from infra.constructs.api import Api
from infra.constructs.connect import CONTEXT_KEY as CONNECT_CONTEXT_KEY
from infra.constructs.connect import ContactFlows, connect_instances
from infra.constructs.data import Data
from infra.constructs.data_lake import DataLake
from infra.constructs.events import Events
from infra.constructs.files import Files
from infra.constructs.monitoring import Monitoring
from infra.constructs.notifications import Notifications
from infra.constructs.packaging import Packaging
from infra.constructs.schedules import ScheduledFunctions
from infra.constructs.workspace import CONNECT_CONTEXT_KEY as WORKSPACE_CONNECT_CONTEXT_KEY
from infra.constructs.workspace import Workspace, connect_embeddings


class CasetrailStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, *, stage: str | None = None, **kwargs):
        super().__init__(scope, construct_id, description="Casetrail: case management for contact centers", **kwargs)
        monitoring = Monitoring(self, "Monitoring")
        packaging = Packaging(self, "Packaging")
        data = Data(self, "Data")
        configuration = _configuration(self)
        files = Files(self, "Files")
        api = Api(
            self,
            "Api",
            packaging=packaging,
            data=data,
            monitoring=monitoring,
            configuration=configuration,
            files=files,
        )
        notifications = Notifications(self, "Notifications", data=data)
        notifications.allow_managing_subscriptions(api.function)
        events = Events(
            self,
            "Events",
            bus_name=f"casetrail-{stage or self.stack_name}",
            packaging=packaging,
            data=data,
            # Looked up when the stack is built, so a test can register a consumer.
            consumers=topology.EVENT_CONSUMERS,
            monitoring=monitoring,
            notifications=notifications,
            case_link_base_url=api.rest_api.url,  # links in notifications open the case in the API
            configuration=configuration,
        )
        data_lake = DataLake(self, "DataLake", bus=events.bus)
        ScheduledFunctions(
            self,
            "Schedules",
            functions=topology.SCHEDULED_FUNCTIONS,
            bus=events.bus,
            packaging=packaging,
            data=data,
            monitoring=monitoring,
        )
        ContactFlows(
            self,
            "Connect",
            functions=topology.CONTACT_FLOW_FUNCTIONS,
            instances=connect_instances(self.node.try_get_context(CONNECT_CONTEXT_KEY)),
            packaging=packaging,
            data=data,
            monitoring=monitoring,
        )

        workspace = Workspace(
            self,
            "Workspace",
            runtime_config={"apiUrl": api.rest_api.url, "region": self.region},
            api_origin=f"https://{api.rest_api.rest_api_id}.execute-api.{self.region}.{self.url_suffix}",
            files_bucket=files.bucket,
            connect_embeddings=connect_embeddings(self.node.try_get_context(WORKSPACE_CONNECT_CONTEXT_KEY)),
        )

        cdk.CfnOutput(self, "ApiUrl", value=api.rest_api.url)
        cdk.CfnOutput(self, "WorkspaceUrl", value=workspace.url)
        for spec in ALL_TABLES:
            cdk.CfnOutput(self, f"{spec.logical_id}TableName", value=data.table(spec).table_name)
        cdk.CfnOutput(self, "EventBusName", value=events.bus.event_bus_name)
        cdk.CfnOutput(self, "OpsAlarmTopicArn", value=monitoring.topic.topic_arn)
        cdk.CfnOutput(self, "NotificationTopicArn", value=notifications.topic.topic_arn)
        cdk.CfnOutput(self, "DataLakeBucketName", value=data_lake.bucket.bucket_name)


def _configuration(stack: cdk.Stack) -> dict[str, str]:
    return function_environment(stack.node.try_get_context)
