"""The Metrics consumer: fed the four event types metrics depend on, the only writer of the metrics
table, told the FCR reopen window from cdk.json; the API may read the aggregates, never write them."""

import json
from pathlib import Path

from casetrail.store.tables import CASES_TABLE, METRICS_TABLE
from casetrail.topology import API_HANDLER, FCR_REOPEN_DAYS_ENV_VAR, METRICS
from tests.infrastructure.resources import DYNAMODB_CHANGES, consumer_rule, function_id, resources, table_id
from tests.infrastructure.test_billing import DYNAMODB_WRITES, _actions_on

CDK_JSON = Path(__file__).resolve().parents[2] / "cdk.json"


def test_metrics_rule_sends_case_contact_overdue_and_sla_completion_events_to_its_queue(template):
    rule = consumer_rule(template, METRICS)
    assert rule["EventPattern"]["detail"] == {"eventType": ["CASE.CREATED", "CASE.UPDATED", "RELATED_ITEM.CREATED", "TASK.OVERDUE", "SLA.MET", "SLA.NOT_MET", "CASE.DELETED"]}
    queue_id = rule["Targets"][0]["Arn"]["Fn::GetAtt"][0]
    assert "RedrivePolicy" in resources(template, "AWS::SQS::Queue")[queue_id]["Properties"]


def test_metrics_consumer_gets_the_reopen_window_and_its_table(template):
    variables = resources(template, "AWS::Lambda::Function")[function_id(template, METRICS.handler)]["Properties"]["Environment"]["Variables"]
    assert variables[FCR_REOPEN_DAYS_ENV_VAR] == str(json.loads(CDK_JSON.read_text())["context"]["casetrail:fcrReopenDays"])
    assert variables[METRICS_TABLE.env_var] == {"Ref": table_id(template, METRICS_TABLE)}


def test_only_the_metrics_consumer_writes_the_aggregates(template):
    assert DYNAMODB_WRITES <= _actions_on(template, METRICS.handler, METRICS_TABLE)
    assert not _actions_on(template, METRICS.handler, CASES_TABLE)
    api_on_metrics = _actions_on(template, API_HANDLER, METRICS_TABLE)
    assert "dynamodb:Query" in api_on_metrics and not api_on_metrics & DYNAMODB_CHANGES


def test_the_metrics_table_expires_event_markers(template):
    table = resources(template, "AWS::DynamoDB::Table")[table_id(template, METRICS_TABLE)]["Properties"]
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expiresAt", "Enabled": True}
