"""SLAs: the consumer fed case creations and updates with the policies from cdk.json, the sweeper
every minute on the cases table's sparse slaDue index; both write the cases table only."""

import json
from pathlib import Path

from casetrail.domain.slas import SlaConfiguration
from casetrail.store.tables import ACCESS_TABLE, CASES_SLA_DUE, CASES_TABLE, METRICS_TABLE, TASKS_TABLE
from casetrail.topology import API_HANDLER, EVENT_BUS_ENV_VAR, OVERDUE_SWEEPER, SLA_CONFIGURATION_ENV_VAR, SLA_SWEEPER, SLAS
from tests.infrastructure.resources import consumer_rule, function_id, resources, table_id
from tests.infrastructure.test_billing import DYNAMODB_WRITES, _actions_on
from tests.infrastructure.test_schedules import _schedule_rule_of

CDK_JSON = Path(__file__).resolve().parents[2] / "cdk.json"


def _variables(template, handler: str) -> dict:
    return resources(template, "AWS::Lambda::Function")[function_id(template, handler)]["Properties"]["Environment"]["Variables"]


def test_the_sla_consumer_gets_case_creations_and_updates_with_a_dead_letter_queue(template):
    rule = consumer_rule(template, SLAS)
    assert rule["EventPattern"]["detail"] == {"eventType": ["CASE.CREATED", "CASE.UPDATED"]}
    queue_id = rule["Targets"][0]["Arn"]["Fn::GetAtt"][0]
    assert "RedrivePolicy" in resources(template, "AWS::SQS::Queue")[queue_id]["Properties"]


def test_the_sla_consumer_and_the_api_are_told_the_policies_and_calendar_of_cdk_json(template):
    configured = json.loads(CDK_JSON.read_text())["context"]["casetrail:slaPolicies"]
    for handler in (SLAS.handler, API_HANDLER):  # the API: GET /sla-policies
        given = SlaConfiguration.model_validate_json(_variables(template, handler)[SLA_CONFIGURATION_ENV_VAR])
        assert given == SlaConfiguration.model_validate(configured)


def test_the_sla_sweeper_runs_every_minute_writing_cases_only(template):
    assert _schedule_rule_of(template, SLA_SWEEPER.handler)["ScheduleExpression"] == "rate(1 minute)"
    variables = _variables(template, SLA_SWEEPER.handler)
    assert variables[CASES_TABLE.env_var] == {"Ref": table_id(template, CASES_TABLE)}
    assert EVENT_BUS_ENV_VAR not in variables  # its events are audit records, published from the stream
    for handler in (SLA_SWEEPER.handler, SLAS.handler):
        assert DYNAMODB_WRITES <= _actions_on(template, handler, CASES_TABLE)
        assert not _actions_on(template, handler, TASKS_TABLE) and not _actions_on(template, handler, METRICS_TABLE)


def test_the_cases_table_has_the_sweepers_sla_due_index(template):
    table = resources(template, "AWS::DynamoDB::Table")[table_id(template, CASES_TABLE)]["Properties"]
    [index] = [i for i in table["GlobalSecondaryIndexes"] if i["IndexName"] == CASES_SLA_DUE.name]
    assert [k["AttributeName"] for k in index["KeySchema"]] == ["slaDuepk", "slaDuesk"]


def test_the_sweepers_read_the_tenant_directory_and_never_write_it(template):
    # Each tenant's due partitions are their own: a sweeper walks the tenants (access table) to find them.
    for sweeper in (SLA_SWEEPER, OVERDUE_SWEEPER):
        actions = _actions_on(template, sweeper.handler, ACCESS_TABLE)
        assert {"dynamodb:GetItem", "dynamodb:Query"} <= actions and not actions & DYNAMODB_WRITES
        assert _variables(template, sweeper.handler)[ACCESS_TABLE.env_var] == {"Ref": table_id(template, ACCESS_TABLE)}
