"""The Billing consumer: fed CASE.CREATED and TASK.CREATED, writes only the usage table, priced
by cdk.json's default; the API may read usage but never meter it."""

import json
from pathlib import Path

from casetrail.domain.billing import Pricing
from casetrail.store.tables import CASES_TABLE, USAGE_TABLE
from casetrail.topology import API_HANDLER, BILLING, BILLING_PRICING_ENV_VAR
from tests.infrastructure.resources import DYNAMODB_CHANGES, DYNAMODB_WRITES, as_list, consumer_rule, function_id, references, resources, role_statements, table_id

CDK_JSON = Path(__file__).resolve().parents[2] / "cdk.json"


def _actions_on(template, handler: str, spec) -> set[str]:
    return {
        action
        for statement in role_statements(template, function_id(template, handler))
        if references(statement["Resource"], table_id(template, spec))
        for action in as_list(statement["Action"])
    }


def test_billing_rule_sends_created_cases_and_tasks_to_its_queue(template):
    rule = consumer_rule(template, BILLING)
    assert rule["EventPattern"]["detail"] == {"eventType": ["CASE.CREATED", "TASK.CREATED"]}
    queue_id = rule["Targets"][0]["Arn"]["Fn::GetAtt"][0]
    assert "RedrivePolicy" in resources(template, "AWS::SQS::Queue")[queue_id]["Properties"]


def test_billing_consumer_is_priced_by_the_cdk_context_default(template):
    consumer = resources(template, "AWS::Lambda::Function")[function_id(template, BILLING.handler)]["Properties"]
    variables = consumer["Environment"]["Variables"]
    default = json.loads(CDK_JSON.read_text())["context"]["casetrail:billingPricing"]
    assert Pricing.model_validate_json(variables[BILLING_PRICING_ENV_VAR]) == Pricing.model_validate(default)
    assert variables[USAGE_TABLE.env_var] == {"Ref": table_id(template, USAGE_TABLE)}


def test_only_the_billing_consumer_meters_usage(template):
    assert DYNAMODB_WRITES <= _actions_on(template, BILLING.handler, USAGE_TABLE)
    assert not _actions_on(template, BILLING.handler, CASES_TABLE)
    api_on_usage = _actions_on(template, API_HANDLER, USAGE_TABLE)
    assert "dynamodb:GetItem" in api_on_usage and not api_on_usage & DYNAMODB_CHANGES
