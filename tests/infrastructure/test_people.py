"""People sign in: the user pool, its groups and the workspace's client; the authorizer trusts that
pool's own keys and client only; CORS for cdk.json's origins, gateway errors included."""

import json

from casetrail.topology import API_HANDLER, AUTHORIZER_HANDLER
from tests.infrastructure.resources import function_id, output_ref, resources

WORKSPACE_ORIGINS = ["http://localhost:5173", "http://127.0.0.1:5173"]  # cdk.json's casetrail:allowedOrigins


def _only(template, resource_type: str) -> tuple[str, dict]:
    (item,) = resources(template, resource_type).items()
    return item


def test_the_pool_is_invite_only_with_an_immutable_tenant_strong_passwords_and_totp(template):
    _, pool = _only(template, "AWS::Cognito::UserPool")
    properties = pool["Properties"]
    assert properties["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert properties["UsernameAttributes"] == ["email"]
    (tenant,) = [a for a in properties["Schema"] if a["Name"] == "tenant"]
    assert tenant["Mutable"] is False and tenant["AttributeDataType"] == "String"
    policy = properties["Policies"]["PasswordPolicy"]
    assert policy["MinimumLength"] >= 12
    assert all(policy[k] for k in ("RequireLowercase", "RequireUppercase", "RequireNumbers", "RequireSymbols"))
    assert properties["MfaConfiguration"] == "ON" and properties["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]
    assert properties["UserPoolTier"] == "PLUS"
    assert properties["UserPoolAddOns"]["AdvancedSecurityMode"] == "ENFORCED"
    assert pool["DeletionPolicy"] == "Retain" and properties["DeletionProtection"] == "ACTIVE"


def test_the_roles_are_the_pools_groups(template):
    groups = {g["Properties"]["GroupName"] for g in resources(template, "AWS::Cognito::UserPoolGroup").values()}
    assert groups == {"agent", "supervisor", "admin"}


def test_the_workspace_client_has_no_secret_uses_code_with_pkce_and_cannot_write_the_tenant(template):
    _, client = _only(template, "AWS::Cognito::UserPoolClient")
    properties = client["Properties"]
    assert properties.get("GenerateSecret", False) is False
    assert properties["AllowedOAuthFlows"] == ["code"] and properties["AllowedOAuthFlowsUserPoolClient"] is True
    assert set(properties["ExplicitAuthFlows"]) == {"ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}
    assert properties["CallbackURLs"] == [f"{origin}/" for origin in WORKSPACE_ORIGINS]
    assert "custom:tenant" in properties["ReadAttributes"]
    assert "custom:tenant" not in properties["WriteAttributes"]
    assert properties["PreventUserExistenceErrors"] == "ENABLED" and properties["EnableTokenRevocation"] is True


def test_the_authorizer_accepts_only_this_pools_client_and_its_issuers_keys(template):
    pool_id, _ = _only(template, "AWS::Cognito::UserPool")
    client_id, _ = _only(template, "AWS::Cognito::UserPoolClient")
    environment = resources(template, "AWS::Lambda::Function")[function_id(template, AUTHORIZER_HANDLER)]["Properties"][
        "Environment"
    ]["Variables"]
    assert environment["USER_POOL_ID"] == {"Ref": pool_id}
    assert environment["USER_POOL_CLIENT_ID"] == {"Ref": client_id}
    jwks = json.dumps(environment["USER_POOL_JWKS_URL"])
    assert "ProviderURL" in jwks and jwks.endswith('/.well-known/jwks.json"]]}')


def test_preflights_answer_only_the_workspace_origins_without_a_credential(template):
    preflights = [m["Properties"] for m in resources(template, "AWS::ApiGateway::Method").values() if m["Properties"]["HttpMethod"] == "OPTIONS"]
    assert len(preflights) == 3  # the root, {proxy+} and the public docs
    for preflight in preflights:
        assert preflight["AuthorizationType"] == "NONE" and preflight["Integration"]["Type"] == "MOCK"
        assert not preflight.get("ApiKeyRequired", False)  # a preflight has no authorizer to name a meter
        template_text = json.dumps(preflight["Integration"]["IntegrationResponses"])
        assert all(origin in template_text for origin in WORKSPACE_ORIGINS) and "*" not in template_text.replace("'*'", "")


def test_gateway_errors_carry_the_workspace_origin(template):
    responses = [r["Properties"] for r in resources(template, "AWS::ApiGateway::GatewayResponse").values()]
    assert responses
    for response in responses:
        assert response["ResponseParameters"]["gatewayresponse.header.Access-Control-Allow-Origin"] == f"'{WORKSPACE_ORIGINS[0]}'"


def test_the_api_function_answers_cors_for_the_same_origins(template):
    environment = resources(template, "AWS::Lambda::Function")[function_id(template, API_HANDLER)]["Properties"]["Environment"]["Variables"]
    assert json.loads(environment["ALLOWED_ORIGINS"]) == WORKSPACE_ORIGINS


def test_the_stack_outputs_the_workspace_configuration(template):
    pool_id, _ = _only(template, "AWS::Cognito::UserPool")
    assert output_ref(template, "UserPoolId") == pool_id
    client_id, _ = _only(template, "AWS::Cognito::UserPoolClient")
    assert output_ref(template, "UserPoolClientId") == client_id
    config = json.dumps(template.find_outputs("WorkspaceConfig")["WorkspaceConfig"]["Value"])
    for key in ("apiUrl", "region", "userPoolId", "userPoolClientId", "cognitoEndpoint"):
        assert key in config
