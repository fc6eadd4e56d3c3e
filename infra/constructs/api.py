"""The REST API: API Gateway, the authorizer (API keys and people's ID tokens), CORS for the
workspace's origins, and the one function that serves every route."""

import json

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from casetrail.domain.tenant_limits import ApiThrottle
from casetrail import cors
from casetrail.store.tables import (
    ACCESS_TABLE,
    CASES_TABLE,
    ERASURE_TABLE,
    IDEMPOTENCY_TABLE,
    METRICS_TABLE,
    TASKS_TABLE,
    USAGE_TABLE,
    USERS_TABLE,
)
from casetrail.topology import (
    ALLOWED_ORIGINS_ENV_VAR,
    API_HANDLER,
    AUTHORIZER_HANDLER,
    BILLING_PRICING_ENV_VAR,
    DOCS_PATH,
    PAGE_TOKEN_SECRET_ENV_VAR,
    SLA_CONFIGURATION_ENV_VAR,
    USER_POOL_CLIENT_ID_ENV_VAR,
    USER_POOL_ID_ENV_VAR,
    USER_POOL_JWKS_URL_ENV_VAR,
)
from infra.constructs.data import Data
from infra.constructs.files import Files
from infra.constructs.function import LOG_RETENTION, CasetrailFunction
from infra.constructs.gateway_responses import add_error_responses
from infra.constructs.monitoring import Monitoring
from infra.constructs.packaging import Packaging
from infra.constructs.people import People

STAGE_NAME = "v1"
# A revoked API key or a disabled user keeps working for up to this long: API Gateway caches the
# authorizer's answer (per Authorization header).
AUTHORIZER_CACHE_TTL = cdk.Duration.seconds(60)

API_GATEWAY_LOGS_POLICY = "arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"

Field = apigateway.AccessLogField
ACCESS_LOG_FORMAT = apigateway.AccessLogFormat.custom(
    json.dumps(
        {
            "requestId": Field.context_request_id(),
            "requestTime": Field.context_request_time(),
            "httpMethod": Field.context_http_method(),
            "resourcePath": Field.context_resource_path(),
            "path": Field.context_path(),
            "status": Field.context_status(),
            "responseLength": Field.context_response_length(),
            "responseLatency": Field.context_response_latency(),
            "integrationLatency": Field.context_integration_latency(),
            "errorType": Field.context_error_response_type(),
            "sourceIp": Field.context_identity_source_ip(),
            "tenantId": Field.context_authorizer("tenantId"),
            "principalId": Field.context_authorizer("principalId"),
            "xrayTraceId": Field.context_xray_trace_id(),
        }
    )
)


class Api(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        packaging: Packaging,
        data: Data,
        monitoring: Monitoring,
        configuration: dict[str, str],
        files: Files,
        people: People,
        allowed_origins: list[str],
        throttle: ApiThrottle,
    ):
        super().__init__(scope, construct_id)
        authorizer_function = CasetrailFunction(
            self,
            "Authorizer",
            packaging=packaging,
            handler=AUTHORIZER_HANDLER,
            description="Resolves an API key or a person's ID token to a principal of one tenant",
            environment={
                **data.environment(ACCESS_TABLE, USERS_TABLE),
                USER_POOL_ID_ENV_VAR: people.user_pool.user_pool_id,
                USER_POOL_CLIENT_ID_ENV_VAR: people.client.user_pool_client_id,
                USER_POOL_JWKS_URL_ENV_VAR: people.jwks_url,
            },
            timeout=cdk.Duration.seconds(5),
        ).function
        data.grant_read(authorizer_function, ACCESS_TABLE, USERS_TABLE)

        # Signs page tokens (store/page_tokens.py): generated at deployment, never in the code.
        page_token_key = secretsmanager.Secret(
            self,
            "PageTokenKey",
            description="Casetrail: signs the API's page tokens (nextToken)",
            generate_secret_string=secretsmanager.SecretStringGenerator(password_length=64, exclude_punctuation=True),
        )
        cdk.Validations.of(page_token_key).acknowledge(
            cdk.Acknowledgment(
                id="AwsSolutions-SMG4",
                reason="Rotating the page-token key only invalidates the page tokens open at that moment (a client "
                "starts its listing again); rotate it by hand, no rotation Lambda is needed.",
            )
        )

        api_function = CasetrailFunction(
            self,
            "Handler",
            packaging=packaging,
            handler=API_HANDLER,
            description="Serves every route of the Casetrail REST API",
            environment={
                **data.environment(CASES_TABLE, IDEMPOTENCY_TABLE, TASKS_TABLE, USAGE_TABLE, METRICS_TABLE, USERS_TABLE, ERASURE_TABLE),
                BILLING_PRICING_ENV_VAR: configuration[BILLING_PRICING_ENV_VAR],
                PAGE_TOKEN_SECRET_ENV_VAR: page_token_key.secret_arn,
                ALLOWED_ORIGINS_ENV_VAR: configuration[ALLOWED_ORIGINS_ENV_VAR],
                SLA_CONFIGURATION_ENV_VAR: configuration[SLA_CONFIGURATION_ENV_VAR],  # GET /sla-policies
                **files.environment(),
            },
            timeout=cdk.Duration.seconds(10),
            memory_size=1024,  # more memory is more CPU: a shorter cold start on the request path
        ).function
        # Deletes: comments, customers' old phone/email lookups and rules (cases table); Powertools
        # Idempotency's record of a failed create; and everything a deleted case or an erased
        # customer leaves (cases, tasks, idempotency records; markers and jobs in the erasure table).
        data.grant_read_write_delete(api_function, CASES_TABLE, IDEMPOTENCY_TABLE, TASKS_TABLE, ERASURE_TABLE)
        # A case's new parent (store/case_family.py); a deleted case's id never reused (store/cases.py).
        data.grant_condition_checks(api_function, CASES_TABLE)
        self.function = api_function
        data.grant_read(api_function, USAGE_TABLE)  # GET /usage reads; only the Billing consumer meters
        data.grant_read(api_function, METRICS_TABLE)  # GET /metrics reads; only the Metrics consumer writes
        data.grant_read(api_function, USERS_TABLE)  # GET /users and assignee checks; the admin commands write
        files.grant_presigning(api_function)
        files.grant_removal(api_function)  # a deleted case's or item's files
        page_token_key.grant_read(api_function)
        self.page_token_key = page_token_key

        authorizer = apigateway.TokenAuthorizer(
            self,
            "ApiKeyAuthorizer",
            handler=authorizer_function,
            identity_source=apigateway.IdentitySource.header("Authorization"),
            results_cache_ttl=AUTHORIZER_CACHE_TTL,
        )
        self.rest_api = apigateway.LambdaRestApi(
            self,
            "RestApi",
            description="Casetrail case management API",
            handler=api_function,
            proxy=True,  # ANY on / and /{proxy+}; headers such as Idempotency-Key and If-Match pass through
            endpoint_types=[apigateway.EndpointType.REGIONAL],
            default_method_options=apigateway.MethodOptions(
                authorizer=authorizer,
                authorization_type=apigateway.AuthorizationType.CUSTOM,
                api_key_required=True,  # the tenant's meter, named by the authorizer (never by the client)
            ),
            # A browser's preflight carries no credential, so API Gateway answers it itself.
            default_cors_preflight_options=_preflight(allowed_origins),
            api_key_source_type=apigateway.ApiKeySourceType.AUTHORIZER,
            # Access logs need API Gateway's account-wide CloudWatch role; it is kept on stack deletion
            # because other APIs in the account and region may rely on it.
            cloud_watch_role=True,
            cloud_watch_role_removal_policy=cdk.RemovalPolicy.RETAIN,
            deploy_options=apigateway.StageOptions(
                stage_name=STAGE_NAME,
                access_log_destination=apigateway.LogGroupLogDestination(
                    logs.LogGroup(self, "AccessLogs", retention=LOG_RETENTION)
                ),
                access_log_format=ACCESS_LOG_FORMAT,
                logging_level=apigateway.MethodLoggingLevel.ERROR,
                tracing_enabled=True,
                # The whole API's ceiling; each tenant has its own, lower one (the usage plan below).
                throttling_rate_limit=throttle.stage.rate_limit,
                throttling_burst_limit=throttle.stage.burst_limit,
            ),
        )
        # One plan, one meter per tenant: API Gateway throttles each API key of a plan on its own.
        # `casetrail-admin create-tenant` adds the tenant's key to it.
        self.tenant_usage_plan = self.rest_api.add_usage_plan(
            "TenantUsagePlan",
            description="Each tenant's request limits (cdk.json casetrail:apiThrottle perTenant)",
            throttle=apigateway.ThrottleSettings(
                rate_limit=throttle.per_tenant.rate_limit, burst_limit=throttle.per_tenant.burst_limit
            ),
            api_stages=[apigateway.UsagePlanPerApiStage(api=self.rest_api, stage=self.rest_api.deployment_stage)],
        )
        # The documentation (Swagger UI, served by the function) is the one method a browser opens
        # without an API key: it shows the published contract and no tenant data.
        docs_method = self.rest_api.root.add_resource(DOCS_PATH.strip("/")).add_method(
            "GET",
            apigateway.LambdaIntegration(api_function),
            authorization_type=apigateway.AuthorizationType.NONE,
            api_key_required=False,  # no tenant: nothing to meter
        )
        cdk.Validations.of(docs_method).acknowledge(
            cdk.Acknowledgment(
                id="AwsSolutions-APIG4",
                reason="GET /docs is the public API documentation (the OpenAPI document of this open-source API); "
                "it reads no tenant data. Every other method requires the API-key authorizer.",
            ),
            cdk.Acknowledgment(
                id="AwsSolutions-COG4",
                reason="GET /docs is public documentation; the API itself uses the API-key authorizer, not Cognito.",
            ),
        )
        # The stack exports the URL as ApiUrl, the name the admin CLI reads; drop the duplicate.
        self.rest_api.node.try_remove_child("Endpoint")
        add_error_responses(self.rest_api, cors.gateway_error_headers(allowed_origins))
        _acknowledge_nag_findings(self.rest_api)
        monitoring.alarm_on_server_errors(self, self.rest_api)


def _preflight(allowed_origins: list[str]) -> apigateway.CorsOptions | None:
    if not allowed_origins:
        return None
    return apigateway.CorsOptions(
        allow_origins=allowed_origins,
        allow_headers=list(cors.ALLOWED_HEADERS),
        allow_methods=list(cors.ALLOWED_METHODS),
        max_age=cdk.Duration.seconds(cors.MAX_AGE_SECONDS),
    )


def _acknowledge_nag_findings(rest_api: apigateway.RestApi) -> None:
    cdk.Validations.of(rest_api).acknowledge(
        cdk.Acknowledgment(
            id="AwsSolutions-APIG2",
            reason="Requests are validated in the API function by Powertools' event handler against the "
            "pydantic models (422 VALIDATION_ERROR with field issues): one home for the rules.",
        ),
        cdk.Acknowledgment(
            id="AwsSolutions-COG4",
            reason="One Lambda TOKEN authorizer serves both credentials: people's Cognito ID tokens (verified "
            "against the pool's JWKS, client, issuer, expiry and token use, then the user's active flag) and "
            "integrations' API keys (SHA-256 hashes in the access table), which a Cognito authorizer cannot check.",
        ),
        cdk.Acknowledgment(
            id="AwsSolutions-APIG3",
            reason="WAF is optional per deployment (cost); the stage throttles and every method needs a valid "
            "API key. Associate a WAFv2 web ACL with the v1 stage where the API faces the open internet.",
        ),
        cdk.Acknowledgment(
            id=f"AwsSolutions-IAM4[Policy::{API_GATEWAY_LOGS_POLICY}]",
            reason="API Gateway's account-level CloudWatch Logs role (needed for access logs) uses the AWS "
            "managed policy made for exactly that service role.",
        ),
    )
