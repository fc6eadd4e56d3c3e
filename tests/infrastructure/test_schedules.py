"""Scheduled functions (topology.SCHEDULED_FUNCTIONS): a rate rule, its tables, and the bus only if it publishes."""

import pytest

from casetrail import topology
from casetrail.store.tables import ACCESS_TABLE, CASES_TABLE, TASKS_TABLE
from tests.infrastructure.conftest import synthesise
from tests.infrastructure.resources import as_list, function_id, references, resources, role_statements, table_id

REPORTER = topology.ScheduledFunction(
    logical_id="Reporter",
    handler="casetrail.handlers.reporter.handler",
    description="A scheduled function that publishes events itself",
    every_minutes=5,
    reads=(ACCESS_TABLE,),
    publishes_events=True,
)


def _schedule_rule_of(template, handler: str) -> dict:
    target_id = function_id(template, handler)
    (rule,) = [
        rule["Properties"]
        for rule in resources(template, "AWS::Events::Rule").values()
        if "ScheduleExpression" in rule["Properties"] and references(rule["Properties"]["Targets"], target_id)
    ]
    return rule


def _actions_on(template, function_logical_id: str, resource_id: str) -> set[str]:
    return {
        action
        for statement in role_statements(template, function_logical_id)
        if references(statement["Resource"], resource_id)
        for action in as_list(statement["Action"])
    }


def test_the_overdue_sweeper_runs_every_minute(template):
    rule = _schedule_rule_of(template, topology.OVERDUE_SWEEPER.handler)
    assert rule["ScheduleExpression"] == "rate(1 minute)"
    assert rule["State"] == "ENABLED"


def test_the_overdue_sweeper_writes_tasks_and_cases_and_does_not_touch_the_bus(template):
    sweeper_id = function_id(template, topology.OVERDUE_SWEEPER.handler)
    variables = resources(template, "AWS::Lambda::Function")[sweeper_id]["Properties"]["Environment"]["Variables"]
    assert {TASKS_TABLE.env_var, CASES_TABLE.env_var} <= set(variables)
    assert topology.EVENT_BUS_ENV_VAR not in variables  # its events come from audit records, via the streams
    for spec in (TASKS_TABLE, CASES_TABLE):
        assert "dynamodb:PutItem" in _actions_on(template, sweeper_id, table_id(template, spec))
    # It reads the tenant directory (access table) to walk each tenant's due partitions, never writes it.
    assert "dynamodb:PutItem" not in _actions_on(template, sweeper_id, table_id(template, ACCESS_TABLE))
    statements = role_statements(template, sweeper_id)
    assert not any("events:PutEvents" in as_list(s["Action"]) for s in statements)


@pytest.fixture(scope="module")
def with_reporter(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(topology, "SCHEDULED_FUNCTIONS", (REPORTER,))
        return synthesise(tmp_path_factory.mktemp("cdk.out"))


def test_a_scheduled_function_that_publishes_is_told_the_bus_and_may_put_events_on_it(with_reporter):
    template = with_reporter.template
    reporter_id = function_id(template, REPORTER.handler)
    assert _schedule_rule_of(template, REPORTER.handler)["ScheduleExpression"] == "rate(5 minutes)"
    variables = resources(template, "AWS::Lambda::Function")[reporter_id]["Properties"]["Environment"]["Variables"]
    bus_id = template.find_outputs("EventBusName")["EventBusName"]["Value"]["Ref"]
    assert variables[topology.EVENT_BUS_ENV_VAR] == {"Ref": bus_id}
    assert "events:PutEvents" in _actions_on(template, reporter_id, bus_id)
    assert "dynamodb:Query" in _actions_on(template, reporter_id, table_id(template, ACCESS_TABLE))
    assert "dynamodb:PutItem" not in _actions_on(template, reporter_id, table_id(template, ACCESS_TABLE))


def test_a_scheduled_function_passes_cdk_nag(with_reporter):
    assert with_reporter.nag_failure is None, with_reporter.nag_failure
