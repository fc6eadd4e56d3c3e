"""The bulk-job worker: fed by its own rule and queue (dead letters and alarms as every consumer's),
allowed to change cases and tasks and read users, to read the page-token secret and nothing else."""

from casetrail.store.tables import ACCESS_TABLE, ALL_TABLES, CASES_TABLE, TASKS_TABLE, USERS_TABLE
from casetrail.topology import API_HANDLER, BULK_JOBS, PAGE_TOKEN_SECRET_ENV_VAR
from tests.infrastructure.resources import (
    DYNAMODB_CHANGES,
    as_list,
    casetrail_functions,
    consumer_rule,
    function_id,
    references,
    resources,
    role_statements,
    table_id,
)


def _actions(statements: list[dict]) -> set[str]:
    return {action for statement in statements for action in as_list(statement["Action"])}


def _on(statements: list[dict], logical_id: str) -> list[dict]:
    return [s for s in statements if references(s["Resource"], logical_id)]


def _secret_id(template) -> str:
    (secret_id,) = resources(template, "AWS::SecretsManager::Secret")
    return secret_id


def test_the_worker_gets_only_bulk_job_progress_events(template):
    rule = consumer_rule(template, BULK_JOBS)
    assert rule["EventPattern"]["detail"] == {"eventType": ["BULK_JOB.PROGRESSED"]}


def test_the_worker_changes_cases_and_tasks_reads_users_and_deletes_nothing(template):
    statements = role_statements(template, function_id(template, BULK_JOBS.handler))
    for spec in ALL_TABLES:
        actions = _actions(_on(statements, table_id(template, spec)))
        if spec in (CASES_TABLE, TASKS_TABLE):
            assert {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query"} <= actions
            assert "dynamodb:DeleteItem" not in actions
        elif spec in (USERS_TABLE, ACCESS_TABLE):
            assert "dynamodb:GetItem" in actions and not actions & DYNAMODB_CHANGES
        else:  # what every consumer reads (e.g. the erasure table, to drop a deleted case's events)
            assert not actions & DYNAMODB_CHANGES, spec.logical_id


def test_only_the_api_and_the_worker_may_read_the_page_token_secret(template):
    secret = _secret_id(template)
    readers = {
        function["Properties"]["Handler"]
        for logical_id, function in casetrail_functions(template).items()
        if "secretsmanager:GetSecretValue" in _actions(_on(role_statements(template, logical_id), secret))
    }
    assert readers == {API_HANDLER, BULK_JOBS.handler}
    variables = resources(template, "AWS::Lambda::Function")[function_id(template, BULK_JOBS.handler)]["Properties"]["Environment"]["Variables"]
    assert references(variables[PAGE_TOKEN_SECRET_ENV_VAR], secret)
