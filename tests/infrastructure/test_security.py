"""Least privilege per function, encryption in transit and at rest, cdk-nag and cfn-lint."""

import subprocess
import sys
from pathlib import Path

from casetrail.store.tables import ACCESS_TABLE, CASES_TABLE, IDEMPOTENCY_TABLE
from casetrail.topology import API_HANDLER, AUTHORIZER_HANDLER, STREAM_PUBLISHER_HANDLER
from tests.infrastructure.resources import (
    as_list,
    casetrail_functions,
    function_id,
    output_ref,
    references,
    resources,
    role_statements,
    table_id,
)

DYNAMODB_WRITES = {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"}
CFN_LINT = Path(sys.executable).parent / "cfn-lint"


def _actions(statements: list[dict]) -> set[str]:
    return {action for statement in statements for action in as_list(statement["Action"])}


def _statements_on(statements: list[dict], logical_id: str) -> list[dict]:
    return [s for s in statements if references(s["Resource"], logical_id)]


def test_authorizer_only_reads_the_access_table(template):
    statements = role_statements(template, function_id(template, AUTHORIZER_HANDLER))
    assert not _actions(statements) & DYNAMODB_WRITES
    dynamodb_statements = [s for s in statements if any(a.startswith("dynamodb:") for a in as_list(s["Action"]))]
    assert dynamodb_statements == _statements_on(statements, table_id(template, ACCESS_TABLE))


def test_api_writes_cases_and_idempotency_records_but_publishes_nothing(template):
    statements = role_statements(template, function_id(template, API_HANDLER))
    for spec in (CASES_TABLE, IDEMPOTENCY_TABLE):
        assert DYNAMODB_WRITES <= _actions(_statements_on(statements, table_id(template, spec)))
    assert not _statements_on(statements, table_id(template, ACCESS_TABLE))
    assert not any(action.startswith("events:") for action in _actions(statements))


def test_publisher_puts_events_on_its_bus_and_writes_no_table(template):
    statements = role_statements(template, function_id(template, STREAM_PUBLISHER_HANDLER))
    assert "events:PutEvents" in _actions(_statements_on(statements, output_ref(template, "EventBusName")))
    assert not _actions(statements) & DYNAMODB_WRITES


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
