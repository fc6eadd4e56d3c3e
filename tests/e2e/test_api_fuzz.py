"""A bounded schemathesis run over the served OpenAPI document, against the real handlers behind
the emulated API Gateway and authorizer (in process, on moto), with the demo tenant's key.

Every operation gets a few generated requests, valid and invalid (fixed seed: the same requests
every run). It fails on any 5xx and on any response the document does not describe: an
undocumented status, content type or header, or a body that does not match its schema.
"""

import json
import os

import hypothesis
import pytest
import schemathesis
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from local.runner_routes import OPENAPI_DOCUMENT
from tests.e2e.wsgi_gateway import WsgiGateway

pytestmark = pytest.mark.fuzz

API_KEY = "ctk_fuzz-fixed-demo-key-0123456789"
EXAMPLES_PER_OPERATION = int(os.environ.get("FUZZ_EXAMPLES", "6"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def served_api():
    """The demo tenant on in-process moto, with what the runner provisions (files bucket, notification
    topic, signing-secret key), behind the runner's routes as a WSGI application."""
    import boto3
    from moto import mock_aws

    from casetrail.handlers import notification_wiring
    from casetrail.settings import get_settings
    from casetrail.store.dynamo import dynamodb_client
    from casetrail.store.provisioning import create_tables
    from casetrail.topology import API_HANDLER, AUTHORIZER_HANDLER, NOTIFICATION_TOPIC_ENV_VAR, SIGNING_KEY_ENV_VAR
    from local.api_gateway import ApiGateway
    from local.bootstrap import create_demo_tenant
    from local.event_tap import EventTap
    from local.lambda_runtime import LocalFunction
    from local.runner_routes import RunnerRoutes

    with mock_aws(), pytest.MonkeyPatch.context() as environment:
        dynamodb_client.cache_clear()
        create_tables(dynamodb_client())
        boto3.client("s3").create_bucket(Bucket=os.environ["FILES_BUCKET_NAME"])
        environment.setenv(NOTIFICATION_TOPIC_ENV_VAR, boto3.client("sns").create_topic(Name="fuzz")["TopicArn"])
        environment.setenv(SIGNING_KEY_ENV_VAR, boto3.client("kms").create_key()["KeyMetadata"]["KeyId"])
        get_settings.cache_clear()
        notification_wiring.reset()
        create_demo_tenant(API_KEY)
        gateway = ApiGateway(
            authorizer=LocalFunction.from_dotted_path("fuzz-authorizer", AUTHORIZER_HANDLER, 5),
            api=LocalFunction.from_dotted_path("fuzz-api", API_HANDLER, 10),
        )
        # No workspace and no Cognito here: the fuzzed document is the API's own.
        served = WsgiGateway(RunnerRoutes(gateway, EventTap(), workspace_config={}, moto_url="http://127.0.0.1:9"))
        yield served
        dynamodb_client.cache_clear()
        get_settings.cache_clear()
        notification_wiring.reset()
    server_errors = sum(1 for status in served.statuses if status >= 500)
    print(f"\nfuzz: {len(served.statuses)} requests, {server_errors} answered 5xx")


# What the runner serves at /openapi.json (the committed document, which a test keeps current).
schema = schemathesis.openapi.from_dict(json.loads(OPENAPI_DOCUMENT.read_text()))
# The coverage phase alone sends ~140 boundary requests per operation: too many for every `make test`.
# Generated valid and invalid requests (the fuzzing phase) find the same classes of fault.
# FUZZ_COVERAGE=1 adds it for a deeper run by hand.
schema.config.phases.coverage.enabled = os.environ.get("FUZZ_COVERAGE") == "1"


@schema.parametrize()
@hypothesis.settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,  # a fixed seed: the same requests on every run
    database=None,
    deadline=None,
    suppress_health_check=list(hypothesis.HealthCheck),
    phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
)
def test_every_operation_answers_only_what_the_document_says(case, served_api):
    case.call_and_validate(app=served_api, headers={"Authorization": f"Bearer {API_KEY}"}, checks=CHECKS)
