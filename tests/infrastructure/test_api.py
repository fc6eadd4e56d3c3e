"""The REST API: every route behind the API-key authorizer, errors in the API's own shape."""

import json

import pytest

from casetrail.store.tables import ACCESS_TABLE, ALL_TABLES, CASES_TABLE, IDEMPOTENCY_TABLE, USERS_TABLE
from casetrail.topology import API_HANDLER, AUTHORIZER_HANDLER, PAGE_TOKEN_SECRET_ENV_VAR
from tests.infrastructure.resources import function_id, references, resources, table_id

GATEWAY_ERRORS = ("UNAUTHORIZED", "ACCESS_DENIED", "MISSING_AUTHENTICATION_TOKEN", "DEFAULT_4XX", "DEFAULT_5XX")


def _only(template, resource_type: str) -> tuple[str, dict]:
    (item,) = resources(template, resource_type).items()
    return item


def test_authorizer_checks_the_bearer_key_and_caches_for_a_minute(template):
    _, authorizer = _only(template, "AWS::ApiGateway::Authorizer")
    assert authorizer["Properties"]["Type"] == "TOKEN"
    assert authorizer["Properties"]["IdentitySource"] == "method.request.header.Authorization"
    assert authorizer["Properties"]["AuthorizerResultTtlInSeconds"] == 60
    assert function_id(template, AUTHORIZER_HANDLER) in json.dumps(authorizer["Properties"]["AuthorizerUri"])


def _methods_by_path(template) -> dict[str, dict]:
    """Each method's properties, keyed by "<HTTP method> <path part>" ("/" for the root), but the CORS
    preflights (OPTIONS), which API Gateway answers itself (tests/infrastructure/test_people.py)."""
    parts = {logical_id: r["Properties"]["PathPart"] for logical_id, r in resources(template, "AWS::ApiGateway::Resource").items()}
    methods = {}
    for method in resources(template, "AWS::ApiGateway::Method").values():
        if method["Properties"]["HttpMethod"] == "OPTIONS":
            continue
        resource = method["Properties"]["ResourceId"]
        part = parts[resource["Ref"]] if "Ref" in resource else "/"
        methods[f"{method['Properties']['HttpMethod']} {part}"] = method["Properties"]
    return methods


def test_every_method_but_the_documentation_requires_the_authorizer(template):
    authorizer_id, _ = _only(template, "AWS::ApiGateway::Authorizer")
    methods = _methods_by_path(template)
    assert set(methods) == {"ANY /", "ANY {proxy+}", "GET docs"}
    for name, method in methods.items():
        if name == "GET docs":
            assert method["AuthorizationType"] == "NONE" and "AuthorizerId" not in method
            assert not method.get("ApiKeyRequired")  # no tenant: no meter to name
        else:
            assert method["AuthorizationType"] == "CUSTOM"
            assert method["AuthorizerId"] == {"Ref": authorizer_id}


def test_root_and_every_path_go_to_the_api_function(template):
    for method in _methods_by_path(template).values():
        assert method["Integration"]["Type"] == "AWS_PROXY"
        assert references(method["Integration"]["Uri"], function_id(template, API_HANDLER))


def test_page_tokens_are_signed_with_a_generated_secret_only_the_api_function_and_the_bulk_job_worker_read(template):
    from casetrail.topology import BULK_JOBS

    (secret_id, secret), = resources(template, "AWS::SecretsManager::Secret").items()
    assert "GenerateSecretString" in secret["Properties"]
    environments = {
        logical_id: function["Properties"].get("Environment", {}).get("Variables", {})
        for logical_id, function in resources(template, "AWS::Lambda::Function").items()
    }
    holders = [logical_id for logical_id, variables in environments.items() if PAGE_TOKEN_SECRET_ENV_VAR in variables]
    # The worker continues listings the API paged (a bulk job's cursor is a page token).
    assert sorted(holders) == sorted([function_id(template, API_HANDLER), function_id(template, BULK_JOBS.handler)])
    assert all(environments[holder][PAGE_TOKEN_SECRET_ENV_VAR] == {"Ref": secret_id} for holder in holders)
    readers = [
        policy for policy in resources(template, "AWS::IAM::Policy").values()
        if any(references(statement.get("Resource"), secret_id) for statement in policy["Properties"]["PolicyDocument"]["Statement"])
    ]
    assert len(readers) == 2


@pytest.mark.parametrize("response_type", GATEWAY_ERRORS)
def test_gateway_errors_use_the_api_error_shape(template, response_type):
    (response,) = [
        r["Properties"]
        for r in resources(template, "AWS::ApiGateway::GatewayResponse").values()
        if r["Properties"]["ResponseType"] == response_type
    ]
    # API Gateway substitutes the message as a quoted JSON string.
    body = json.loads(
        response["ResponseTemplates"]["application/json"].replace("$context.error.messageString", '"Bad thing"')
    )
    assert set(body) == {"status", "code", "message"}
    assert body["status"] == int(response["StatusCode"])
    assert body["code"].isupper() and body["message"]


def test_stage_is_traced_throttled_and_access_logged_as_json(template):
    _, stage = _only(template, "AWS::ApiGateway::Stage")
    properties = stage["Properties"]
    assert properties["TracingEnabled"] is True
    access_log = json.loads(properties["AccessLogSetting"]["Format"])
    assert access_log["requestId"] == "$context.requestId"
    assert access_log["tenantId"] == "$context.authorizer.tenantId"
    (settings,) = properties["MethodSettings"]
    assert settings["ThrottlingRateLimit"] > 0 and settings["ThrottlingBurstLimit"] > 0
    assert resources(template, "AWS::ApiGateway::Account"), "API Gateway needs its CloudWatch role to write logs"


def test_api_function_knows_its_tables_and_fits_the_request_path(template):
    properties = resources(template, "AWS::Lambda::Function")[function_id(template, API_HANDLER)]["Properties"]
    environment = properties["Environment"]["Variables"]
    assert environment[CASES_TABLE.env_var] == {"Ref": table_id(template, CASES_TABLE)}
    assert environment[IDEMPOTENCY_TABLE.env_var] == {"Ref": table_id(template, IDEMPOTENCY_TABLE)}
    assert ACCESS_TABLE.env_var not in environment
    assert properties["Timeout"] <= 10
    assert 512 <= properties["MemorySize"] <= 1024


def test_authorizer_knows_only_the_access_and_users_tables(template):
    environment = resources(template, "AWS::Lambda::Function")[function_id(template, AUTHORIZER_HANDLER)][
        "Properties"
    ]["Environment"]["Variables"]
    table_variables = {spec.env_var for spec in ALL_TABLES} & set(environment)
    assert table_variables == {ACCESS_TABLE.env_var, USERS_TABLE.env_var}


def test_stack_exports_what_the_admin_cli_reads(template):
    outputs = template.to_json()["Outputs"]
    for name in ("ApiUrl", "CasesTableName", "AccessTableName", "IdempotencyTableName", "EventBusName"):
        assert name in outputs
