"""Per-tenant limits: every method needs the tenant meter the authorizer names, and the usage plan
throttles each meter at cdk.json's per-tenant limits, under the stage's own ceiling."""

import json

from infra.application import CDK_JSON
from tests.infrastructure.resources import output_ref, references, resources

THROTTLE = json.loads(CDK_JSON.read_text())["context"]["casetrail:apiThrottle"]


def test_every_method_requires_the_meter_the_authorizer_names(template):
    ((api_id, api),) = resources(template, "AWS::ApiGateway::RestApi").items()
    assert api["Properties"]["ApiKeySourceType"] == "AUTHORIZER"
    methods = resources(template, "AWS::ApiGateway::Method").values()
    assert methods
    for method in methods:
        assert method["Properties"]["ApiKeyRequired"] is True
        assert method["Properties"]["AuthorizationType"] == "CUSTOM"


def test_the_tenant_usage_plan_throttles_each_tenant_at_the_configured_limits(template):
    plan_id = output_ref(template, "TenantUsagePlanId")
    plan = resources(template, "AWS::ApiGateway::UsagePlan")[plan_id]["Properties"]
    assert plan["Throttle"] == {
        "RateLimit": THROTTLE["perTenant"]["rateLimit"],
        "BurstLimit": THROTTLE["perTenant"]["burstLimit"],
    }
    ((stage_id, _),) = resources(template, "AWS::ApiGateway::Stage").items()
    ((api_stage),) = plan["ApiStages"]
    assert api_stage["ApiId"] == {"Ref": output_ref(template, "RestApiId")}
    assert references(api_stage["Stage"], stage_id)


def test_the_stage_caps_the_whole_api_above_any_one_tenant(template):
    ((_, stage),) = resources(template, "AWS::ApiGateway::Stage").items()
    (settings,) = stage["Properties"]["MethodSettings"]
    assert (settings["ThrottlingRateLimit"], settings["ThrottlingBurstLimit"]) == (
        THROTTLE["stage"]["rateLimit"],
        THROTTLE["stage"]["burstLimit"],
    )
    assert settings["ThrottlingRateLimit"] > THROTTLE["perTenant"]["rateLimit"]
