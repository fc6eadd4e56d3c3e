"""Deletion and erasure as deployed: the retention sweeper's schedule and least-privilege grants,
the API's, every consumer's look-up of deleted cases, and the data lake's lifecycle."""

from casetrail import topology
from casetrail.store.tables import CASES_TABLE, ERASURE_TABLE, IDEMPOTENCY_TABLE, METRICS_TABLE, TASKS_TABLE, USAGE_TABLE
from tests.infrastructure.resources import as_list, function_id, references, resources, role_statements, table_id


def _actions_on(template, function_logical_id: str, resource_id: str) -> set[str]:
    return {
        action
        for statement in role_statements(template, function_logical_id)
        if references(statement["Resource"], resource_id)
        for action in as_list(statement["Action"])
    }


def _bucket_of(template, output: str) -> str:
    return template.to_json()["Outputs"][output]["Value"]["Ref"]


def test_the_retention_sweeper_runs_hourly_and_may_delete_only_what_a_case_leaves(template):
    sweeper = function_id(template, topology.RETENTION_SWEEPER.handler)
    (rule,) = [
        r["Properties"]
        for r in resources(template, "AWS::Events::Rule").values()
        if "ScheduleExpression" in r["Properties"] and references(r["Properties"]["Targets"], sweeper)
    ]
    assert rule["ScheduleExpression"] == "rate(1 hour)"
    for spec in (CASES_TABLE, TASKS_TABLE, ERASURE_TABLE, IDEMPOTENCY_TABLE):
        assert "dynamodb:DeleteItem" in _actions_on(template, sweeper, table_id(template, spec)), spec.logical_id
    for spec in (USAGE_TABLE, METRICS_TABLE):
        assert not _actions_on(template, sweeper, table_id(template, spec))
    actions = {a for s in role_statements(template, sweeper) for a in as_list(s["Action"])}
    assert "dynamodb:Scan" not in actions and not any(a.endswith("*") for a in actions)
    assert "s3:DeleteObjectVersion" in _actions_on(template, sweeper, _bucket_of(template, "EventDetailsBucketName"))
    variables = resources(template, "AWS::Lambda::Function")[sweeper]["Properties"]["Environment"]["Variables"]
    assert {ERASURE_TABLE.env_var, topology.FILES_BUCKET_ENV_VAR, topology.EVENT_DETAILS_BUCKET_ENV_VAR} <= set(variables)


def test_the_retention_sweeper_reads_a_sparse_index_of_closed_cases(template):
    (table,) = [t for t in resources(template, "AWS::DynamoDB::Table").values() if any(i["IndexName"] == "closedAt" for i in t["Properties"].get("GlobalSecondaryIndexes", []))]
    (index,) = [i for i in table["Properties"]["GlobalSecondaryIndexes"] if i["IndexName"] == "closedAt"]
    assert [k["AttributeName"] for k in index["KeySchema"]] == ["closedAtpk", "closedAtsk"]


def test_the_api_may_erase_a_customer_from_the_data_lake_and_remove_files_but_no_more(template):
    api = function_id(template, topology.API_HANDLER)
    lake = _bucket_of(template, "DataLakeBucketName")
    assert _actions_on(template, api, lake) == {"s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"}
    (listing,) = [s for s in role_statements(template, api) if "s3:ListBucket" in as_list(s["Action"])]
    assert listing["Condition"] == {"StringLike": {"s3:prefix": ["events/*"]}}
    assert "s3:DeleteObjectVersion" in _actions_on(template, api, _bucket_of(template, "EventDetailsBucketName"))
    variables = resources(template, "AWS::Lambda::Function")[api]["Properties"]["Environment"]["Variables"]
    assert {ERASURE_TABLE.env_var, topology.DATA_LAKE_BUCKET_ENV_VAR, topology.EVENT_DETAILS_BUCKET_ENV_VAR} <= set(variables)


def test_every_consumer_may_look_up_deleted_cases_and_only_metrics_deletes(template):
    for consumer in topology.EVENT_CONSUMERS:
        function = function_id(template, consumer.handler)
        actions = _actions_on(template, function, table_id(template, ERASURE_TABLE))
        assert actions == {"dynamodb:GetItem", "dynamodb:Query"}, consumer.logical_id
    metrics = function_id(template, topology.METRICS.handler)
    assert "dynamodb:DeleteItem" in _actions_on(template, metrics, table_id(template, METRICS_TABLE))
