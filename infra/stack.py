"""The Casetrail stack: composes one construct per concern and exports what the admin CLI reads."""

import aws_cdk as cdk
from constructs import Construct

from casetrail import topology
from casetrail.configuration import allowed_origins, api_throttle, function_environment
from casetrail.workspace_config import cognito_endpoint_of, workspace_config
from casetrail.store import case_indexes
from casetrail.store.tables import ALL_TABLES
from infra.constructs.api import Api
from infra.constructs.connect import CONTEXT_KEY as CONNECT_CONTEXT_KEY
from infra.constructs.connect import ContactFlows, connect_instances
from infra.constructs.data import Data
from infra.constructs.data_lake import DEFAULT_RETENTION_DAYS, RETENTION_CONTEXT_KEY, DataLake
from infra.constructs.events import Events
from infra.constructs.files import Files
from infra.constructs.monitoring import Monitoring
from infra.constructs.notifications import Notifications
from infra.constructs.packaging import Packaging
from infra.constructs.people import DOMAIN_PREFIX_CONTEXT_KEY, MFA_CONTEXT_KEY, People
from infra.constructs.schedules import ScheduledFunctions
from infra.constructs.search import Search
from infra.constructs.workspace import CONNECT_CONTEXT_KEY as WORKSPACE_CONNECT_CONTEXT_KEY
from infra.constructs.workspace import Workspace, connect_embeddings


class CasetrailStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str, *, stage: str | None = None, **kwargs):
        super().__init__(scope, construct_id, description="Casetrail: case management for contact centers", **kwargs)
        monitoring = Monitoring(self, "Monitoring")
        packaging = Packaging(self, "Packaging")
        data = Data(self, "Data", cases_index_step=self.node.try_get_context(case_indexes.STEP_CONTEXT_KEY))
        configuration = _configuration(self)
        files = Files(self, "Files")
        origins = allowed_origins(self.node.try_get_context)
        people = People(
            self,
            "People",
            allowed_origins=origins,
            domain_prefix=self.node.try_get_context(DOMAIN_PREFIX_CONTEXT_KEY),
            mfa=self.node.try_get_context(MFA_CONTEXT_KEY) or "required",
        )
        api = Api(
            self,
            "Api",
            packaging=packaging,
            data=data,
            monitoring=monitoring,
            configuration=configuration,
            files=files,
            people=people,
            allowed_origins=origins,
            throttle=api_throttle(self.node.try_get_context),
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
            page_token_key=api.page_token_key,
        )
        data_lake = DataLake(
            self,
            "DataLake",
            bus=events.bus,
            monitoring=monitoring,
            retention_days=int(self.node.try_get_context(RETENTION_CONTEXT_KEY) or DEFAULT_RETENTION_DAYS),
        )
        # Deleting cases and erasing customers (service/erasure.py): claim-checked details and the lake.
        for name, value in {**events.details.environment(), **data_lake.environment()}.items():
            api.function.add_environment(name, value)
        events.details.grant_removal(api.function)
        data_lake.grant_erasure(api.function)
        # The search consumer writes the case search collection; the API's GET /cases reads it.
        Search(
            self,
            "Search",
            indexers=[events.consumers[c.logical_id].function for c in topology.EVENT_CONSUMERS if c.writes_search],
            readers=[api.function, *(events.consumers[c.logical_id].function for c in topology.EVENT_CONSUMERS if c.reads_search)],
        )
        ScheduledFunctions(
            self,
            "Schedules",
            functions=topology.SCHEDULED_FUNCTIONS,
            bus=events.bus,
            packaging=packaging,
            data=data,
            monitoring=monitoring,
            files=files,
            event_details=events.details,
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
            runtime_config=workspace_config(
                api_url=api.rest_api.url,  # the workspace reaches the API through its own origin instead
                region=self.region,
                user_pool_id=people.user_pool.user_pool_id,
                user_pool_client_id=people.client.user_pool_client_id,
                cognito_endpoint=cognito_endpoint_of(self.region),
            ),
            rest_api=api.rest_api,
            files_bucket=files.bucket,
            connect_embeddings=connect_embeddings(self.node.try_get_context(WORKSPACE_CONNECT_CONTEXT_KEY)),
        )

        cdk.CfnOutput(self, "ApiUrl", value=api.rest_api.url)
        # Where `casetrail-admin create-tenant` registers a tenant's meter (see domain/tenant_limits.py).
        cdk.CfnOutput(self, "RestApiId", value=api.rest_api.rest_api_id)
        cdk.CfnOutput(self, "TenantUsagePlanId", value=api.tenant_usage_plan.usage_plan_id)
        cdk.CfnOutput(self, "WorkspaceUrl", value=workspace.url)
        for spec in ALL_TABLES:
            cdk.CfnOutput(self, f"{spec.logical_id}TableName", value=data.table(spec).table_name)
        cdk.CfnOutput(self, "EventBusName", value=events.bus.event_bus_name)
        cdk.CfnOutput(self, "OpsAlarmTopicArn", value=monitoring.topic.topic_arn)
        cdk.CfnOutput(self, "NotificationTopicArn", value=notifications.topic.topic_arn)
        cdk.CfnOutput(self, "DataLakeBucketName", value=data_lake.bucket.bucket_name)
        cdk.CfnOutput(self, "EventDetailsBucketName", value=events.details.bucket.bucket_name)
        cdk.CfnOutput(self, "UserPoolId", value=people.user_pool.user_pool_id)
        cdk.CfnOutput(self, "UserPoolClientId", value=people.client.user_pool_client_id)
        if people.domain is not None:
            cdk.CfnOutput(self, "UserPoolDomainUrl", value=people.domain.base_url())
        # The workspace's config.json, whole, as deployed next to the SPA.
        cdk.CfnOutput(self, "WorkspaceConfig", value=self.to_json_string(workspace.runtime_config))


def _configuration(stack: cdk.Stack) -> dict[str, str]:
    return function_environment(stack.node.try_get_context)
