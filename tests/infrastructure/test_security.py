"""Least privilege per function, encryption in transit and at rest, cdk-nag and cfn-lint."""

import subprocess
import sys
from pathlib import Path

from casetrail.store.tables import (
    ACCESS_TABLE,
    ALL_TABLES,
    CASES_TABLE,
    ERASURE_TABLE,
    IDEMPOTENCY_TABLE,
    METRICS_TABLE,
    NOTIFICATIONS_TABLE,
    TASKS_TABLE,
    USERS_TABLE,
)
from casetrail.topology import (
    METRICS,
    RETENTION_SWEEPER,
    API_HANDLER,
    AUTHORIZER_HANDLER,
    CONTACT_FLOW_FUNCTIONS,
    NOTIFICATION_CONSUMER_HANDLER,
    STREAM_PUBLISHER_HANDLER,
)
from tests.infrastructure.resources import (
    DYNAMODB_CHANGES,
    DYNAMODB_WRITES,
    as_list,
    casetrail_functions,
    function_id,
    output_ref,
    references,
    resources,
    role_statements,
    table_id,
)

CFN_LINT = Path(sys.executable).parent / "cfn-lint"


def _actions(statements: list[dict]) -> set[str]:
    return {action for statement in statements for action in as_list(statement["Action"])}


def _statements_on(statements: list[dict], logical_id: str) -> list[dict]:
    return [s for s in statements if references(s["Resource"], logical_id)]


def test_authorizer_only_reads_the_access_and_users_tables(template):
    statements = role_statements(template, function_id(template, AUTHORIZER_HANDLER))
    assert not _actions(statements) & DYNAMODB_CHANGES
    dynamodb_statements = [s for s in statements if any(a.startswith("dynamodb:") for a in as_list(s["Action"]))]
    on_tables = _statements_on(statements, table_id(template, ACCESS_TABLE)) + _statements_on(statements, table_id(template, USERS_TABLE))
    assert dynamodb_statements and all(s in on_tables for s in dynamodb_statements)


def test_the_api_reads_users_but_only_the_admin_commands_write_them(template):
    for handler in (API_HANDLER, AUTHORIZER_HANDLER):
        on_users = _statements_on(role_statements(template, function_id(template, handler)), table_id(template, USERS_TABLE))
        assert "dynamodb:Query" in _actions(on_users) and not _actions(on_users) & DYNAMODB_WRITES


def test_api_writes_cases_and_idempotency_records_but_publishes_nothing(template):
    statements = role_statements(template, function_id(template, API_HANDLER))
    for spec in (CASES_TABLE, IDEMPOTENCY_TABLE):
        assert DYNAMODB_WRITES <= _actions(_statements_on(statements, table_id(template, spec)))
    assert not _statements_on(statements, table_id(template, ACCESS_TABLE))
    assert not any(action.startswith("events:") for action in _actions(statements))


def test_publisher_puts_events_on_its_bus_and_writes_no_table(template):
    statements = role_statements(template, function_id(template, STREAM_PUBLISHER_HANDLER))
    assert "events:PutEvents" in _actions(_statements_on(statements, output_ref(template, "EventBusName")))
    assert not _actions(statements) & DYNAMODB_CHANGES


# What the store layer (and Powertools Idempotency) calls, plus what reading a table's stream takes.
# ConditionCheckItem: the API's check, in a child's transaction, that its new parent case still exists.
ITEM_ACTIONS = {"dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem"}
STREAM_ACTIONS = {"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"}
CREATE_CASE_FLOW_HANDLER = next(f.handler for f in CONTACT_FLOW_FUNCTIONS if f.name == "create-case")
# Where the code deletes items: comments, customer lookups and rules (API, cases table);
# unsubscribing (API) and releasing a failed delivery's claim (Notifications consumer);
# Powertools Idempotency's record of a failed create (API and the Connect create-case flow).
DELETES = {
    (API_HANDLER, CASES_TABLE.logical_id),
    (API_HANDLER, IDEMPOTENCY_TABLE.logical_id),
    (API_HANDLER, NOTIFICATIONS_TABLE.logical_id),
    (NOTIFICATION_CONSUMER_HANDLER, NOTIFICATIONS_TABLE.logical_id),
    (CREATE_CASE_FLOW_HANDLER, IDEMPOTENCY_TABLE.logical_id),
    # Deleting cases and erasing customers (service/erasure.py): the API and the retention sweeper
    # remove what a case leaves; Metrics drops a deleted case's facts.
    (API_HANDLER, TASKS_TABLE.logical_id),
    (API_HANDLER, ERASURE_TABLE.logical_id),
    (RETENTION_SWEEPER.handler, CASES_TABLE.logical_id),
    (RETENTION_SWEEPER.handler, TASKS_TABLE.logical_id),
    (RETENTION_SWEEPER.handler, IDEMPOTENCY_TABLE.logical_id),
    (RETENTION_SWEEPER.handler, ERASURE_TABLE.logical_id),
    (METRICS.handler, METRICS_TABLE.logical_id),
}


def _all_policy_statements(template) -> list[dict]:
    return [
        statement
        for policy in resources(template, "AWS::IAM::Policy").values()
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


def test_no_role_may_scan_or_use_dynamodb_actions_the_code_never_calls(template):
    dynamodb_actions = {a for a in _actions(_all_policy_statements(template)) if a.startswith("dynamodb:")}
    assert "dynamodb:Scan" not in dynamodb_actions
    assert dynamodb_actions <= ITEM_ACTIONS | STREAM_ACTIONS, dynamodb_actions - ITEM_ACTIONS - STREAM_ACTIONS


def test_items_are_deleted_only_where_the_code_deletes(template):
    deleting = set()
    for logical_id, function in resources(template, "AWS::Lambda::Function").items():
        statements = role_statements(template, logical_id)
        for spec in ALL_TABLES:
            if "dynamodb:DeleteItem" in _actions(_statements_on(statements, table_id(template, spec))):
                deleting.add((function["Properties"]["Handler"], spec.logical_id))
    assert deleting == DELETES


def test_no_function_role_uses_a_managed_policy(template):
    functions = casetrail_functions(template).values()
    function_roles = {function["Properties"]["Role"]["Fn::GetAtt"][0] for function in functions}
    for role_id in function_roles:
        assert "ManagedPolicyArns" not in resources(template, "AWS::IAM::Role")[role_id]["Properties"]


def test_queues_are_encrypted_and_refuse_plain_http(template):
    policies = resources(template, "AWS::SQS::QueuePolicy").values()
    for queue_id, queue in resources(template, "AWS::SQS::Queue").items():
        assert queue["Properties"]["SqsManagedSseEnabled"] is True
        assert any(
            references(policy["Properties"]["Queues"], queue_id) and _denies_plain_http(policy) for policy in policies
        ), f"{queue_id} accepts requests without TLS"


def test_ops_topic_is_encrypted_and_refuses_plain_http(template):
    topic_id = output_ref(template, "OpsAlarmTopicArn")
    assert "KmsMasterKeyId" in resources(template, "AWS::SNS::Topic")[topic_id]["Properties"]
    assert any(
        references(policy["Properties"]["Topics"], topic_id) and _denies_plain_http(policy)
        for policy in resources(template, "AWS::SNS::TopicPolicy").values()
    )


def _denies_plain_http(policy: dict) -> bool:
    return any(
        statement["Effect"] == "Deny"
        and statement.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") == "false"
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    )


def test_cdk_nag_finds_nothing_unacknowledged(synthesis):
    assert synthesis.nag_failure is None, synthesis.nag_failure


def test_cfn_lint_passes(synthesis):
    # W3005 (a DependsOn that a GetAtt already implies) is how CDK writes every function's role.
    result = subprocess.run(
        [str(CFN_LINT), "--ignore-checks", "W3005", "--", str(synthesis.template_file)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
