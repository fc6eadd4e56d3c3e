"""The Amazon Connect contact-flow functions: invocable by Connect from the configured instances
only, associated with them, answering before Connect gives up, with only the table access they use."""

import json

from casetrail.store.tables import CASES_TABLE, IDEMPOTENCY_TABLE, TASKS_TABLE
from casetrail.topology import CONTACT_FLOW_FUNCTIONS
from tests.infrastructure.conftest import CONNECT_INSTANCES
from tests.infrastructure.resources import DYNAMODB_CHANGES, DYNAMODB_WRITES, as_list, function_id, references, resources, role_statements, table_id

BY_NAME = {spec.name: spec for spec in CONTACT_FLOW_FUNCTIONS}


def _permissions_of(template, logical_id: str) -> list[dict]:
    return [p["Properties"] for p in resources(template, "AWS::Lambda::Permission").values() if references(p["Properties"]["FunctionName"], logical_id)]


def test_only_connect_from_each_configured_instance_may_invoke_each_function(template):
    for spec in CONTACT_FLOW_FUNCTIONS:
        permissions = _permissions_of(template, function_id(template, spec.handler))
        assert sorted(p["SourceArn"] for p in permissions) == sorted(CONNECT_INSTANCES)
        for permission in permissions:
            assert permission["Principal"] == "connect.amazonaws.com"
            assert permission["Action"] == "lambda:InvokeFunction"
            assert permission["SourceAccount"] == permission["SourceArn"].split(":")[4]


def test_each_function_is_associated_with_each_configured_instance(template):
    associations = resources(template, "AWS::Connect::IntegrationAssociation").values()
    for spec in CONTACT_FLOW_FUNCTIONS:
        logical_id = function_id(template, spec.handler)
        mine = [a["Properties"] for a in associations if references(a["Properties"]["IntegrationArn"], logical_id)]
        assert sorted(a["InstanceId"] for a in mine) == sorted(CONNECT_INSTANCES)
        assert {a["IntegrationType"] for a in mine} == {"LAMBDA_FUNCTION"}


def test_functions_stop_before_connects_eight_seconds_and_know_the_instance_tenants(template):
    functions = resources(template, "AWS::Lambda::Function")
    for spec in CONTACT_FLOW_FUNCTIONS:
        properties = functions[function_id(template, spec.handler)]["Properties"]
        assert properties["Timeout"] < 8
        assert json.loads(properties["Environment"]["Variables"]["CONNECT_INSTANCES"]) == CONNECT_INSTANCES


def _dynamodb_actions_on(template, spec_name: str, table) -> set[str]:
    statements = role_statements(template, function_id(template, BY_NAME[spec_name].handler))
    return {a for s in statements if references(s["Resource"], table_id(template, table)) for a in as_list(s["Action"])}




def test_each_function_gets_only_the_table_access_it_uses(template):
    assert _dynamodb_actions_on(template, "find-case", CASES_TABLE) and not _dynamodb_actions_on(template, "find-case", CASES_TABLE) & DYNAMODB_CHANGES
    assert not _dynamodb_actions_on(template, "find-case", IDEMPOTENCY_TABLE)
    assert _dynamodb_actions_on(template, "create-case", IDEMPOTENCY_TABLE) & DYNAMODB_WRITES
    assert not _dynamodb_actions_on(template, "create-case", TASKS_TABLE)
    assert not _dynamodb_actions_on(template, "attach-contact", TASKS_TABLE) | _dynamodb_actions_on(template, "attach-contact", IDEMPOTENCY_TABLE)
    update_tasks = _dynamodb_actions_on(template, "update-case", TASKS_TABLE)
    assert update_tasks and not update_tasks & DYNAMODB_CHANGES
