"""The stack of each upgrade step (CDK context casetrail:casesIndexStep, store/case_indexes.py), as
CloudFormation would compare it with the one deployed before: one index of the cases table created
or deleted per stack update, never one redefined under its name (README "Upgrading the cases
table's indexes"). Each step's cases table is synthesised from the Data construct alone (one app,
one synth); the whole stack once, mid-upgrade, through cdk-nag and cfn-lint."""

import json
import subprocess

import aws_cdk as cdk
import pytest

from casetrail.store import case_indexes
from casetrail.store.case_indexes import PREVIOUS_RELEASE_INDEXES, QUERYABLE_INDEXES_ENV_VAR, STEP_CONTEXT_KEY, upgrade_steps
from casetrail.store.tables import CASES_TABLE, IndexSpec
from infra.constructs.data import Data
from tests.infrastructure.conftest import synthesise
from tests.infrastructure.resources import as_list, casetrail_functions, role_statements
from tests.infrastructure.test_security import CFN_LINT

STEPS = upgrade_steps()
MID_UPGRADE = next(step for step in STEPS if step.phase == "expand" and len(step.indexes) == max(len(s.indexes) for s in STEPS))


def _as_deployed(index: IndexSpec) -> dict:
    """A previous release's index as its stack declared it (CDK's rendering of add_global_secondary_index)."""
    return {
        "IndexName": index.name,
        "KeySchema": [{"AttributeName": index.partition_key, "KeyType": "HASH"}, {"AttributeName": index.sort_key, "KeyType": "RANGE"}],
        "Projection": {"ProjectionType": index.projection},
    }


def _cases_indexes(template: dict) -> dict[str, dict]:
    (table,) = [r for logical_id, r in template["Resources"].items() if r["Type"] == "AWS::DynamoDB::Table" and logical_id.startswith("DataCases")]
    return {index["IndexName"]: index for index in table["Properties"]["GlobalSecondaryIndexes"]}


@pytest.fixture(scope="module")
def step_indexes() -> list[dict[str, dict]]:
    """The cases table's indexes in each step's template, in order."""
    app = cdk.App()
    for number, step in enumerate(STEPS):
        Data(cdk.Stack(app, f"Step{number}"), "Data", cases_index_step=step.name)
    assembly = app.synth()
    return [_cases_indexes(assembly.get_stack_by_name(f"Step{number}").template) for number in range(len(STEPS))]


@pytest.fixture(scope="module")
def mid_upgrade(tmp_path_factory):
    return synthesise(tmp_path_factory.mktemp("cdk.out.upgrade"), {STEP_CONTEXT_KEY: MID_UPGRADE.name})


def test_every_stack_update_creates_or_deletes_one_cases_index_and_redefines_none(step_indexes):
    deployed = {index.name: _as_deployed(index) for index in PREVIOUS_RELEASE_INDEXES}
    for step, indexes in zip(STEPS, step_indexes, strict=True):
        assert len(set(deployed) ^ set(indexes)) == 1, step.name
        assert all(deployed[name] == indexes[name] for name in set(deployed) & set(indexes)), step.name
        deployed = indexes


def test_no_name_ever_carries_two_definitions_across_the_upgrade(step_indexes, template):
    fresh = _cases_indexes(template.to_json())
    seen: dict[str, set[str]] = {}
    for indexes in [{i.name: _as_deployed(i) for i in PREVIOUS_RELEASE_INDEXES}, *step_indexes, fresh]:
        for name, index in indexes.items():
            seen.setdefault(name, set()).add(json.dumps(index, sort_keys=True))
    assert {name: found for name, found in seen.items() if len(found) > 1} == {}


def test_the_first_step_keeps_the_previous_release_indexes_unchanged(step_indexes):
    assert all(step_indexes[0][index.name] == _as_deployed(index) for index in PREVIOUS_RELEASE_INDEXES)


def test_the_last_step_is_what_a_fresh_deployment_gets(step_indexes, template):
    assert step_indexes[-1] == _cases_indexes(template.to_json())
    assert set(step_indexes[-1]) == {index.name for index in CASES_TABLE.indexes}


def test_mid_upgrade_every_cases_reader_is_told_the_indexes_it_may_query(mid_upgrade):
    readers = [f["Properties"]["Environment"]["Variables"] for f in casetrail_functions(mid_upgrade.template).values()]
    readers = [variables for variables in readers if CASES_TABLE.env_var in variables]
    assert readers and all(json.loads(v[QUERYABLE_INDEXES_ENV_VAR]) == sorted(MID_UPGRADE.queryable) for v in readers)


def test_without_a_step_functions_query_the_final_indexes(template):
    readers = [f["Properties"]["Environment"]["Variables"] for f in casetrail_functions(template).values()]
    expected = case_indexes.environment(case_indexes.deployed_step(None))[QUERYABLE_INDEXES_ENV_VAR]
    assert all(v[QUERYABLE_INDEXES_ENV_VAR] == expected for v in readers if CASES_TABLE.env_var in v)


def test_mid_upgrade_roles_may_query_only_the_indexes_the_code_reads(mid_upgrade):
    template = mid_upgrade.template
    sweeper = next(logical_id for logical_id, f in casetrail_functions(template).items() if f["Properties"]["Handler"].endswith("sla_sweeper.handler"))
    queried = {
        part
        for statement in role_statements(template, sweeper)
        if "dynamodb:Query" in as_list(statement["Action"])
        for resource in as_list(statement["Resource"])
        for part in json.dumps(resource).split('"')
        if part.startswith("/index/")
    }
    assert queried == {f"/index/{name}" for name in MID_UPGRADE.queryable} and "/index/slaDue" in queried


def test_an_expand_step_changes_the_cases_table_and_what_its_readers_may_query_only(mid_upgrade, tmp_path_factory):
    # Given the step before the mid-upgrade one, synthesised whole too
    before = STEPS[STEPS.index(MID_UPGRADE) - 1]
    earlier = synthesise(tmp_path_factory.mktemp("cdk.out.before"), {STEP_CONTEXT_KEY: before.name}).template.to_json()["Resources"]
    later = mid_upgrade.template.to_json()["Resources"]
    # Then besides the cases table only functions (their environment) and policies (Query grants) differ
    changed = {logical_id for logical_id in set(earlier) | set(later) if earlier.get(logical_id) != later.get(logical_id)}
    assert {logical_id for logical_id in changed if later[logical_id]["Type"] == "AWS::DynamoDB::Table"} == {
        logical_id for logical_id in later if logical_id.startswith("DataCases") and later[logical_id]["Type"] == "AWS::DynamoDB::Table"
    }
    assert {later[logical_id]["Type"] for logical_id in changed} <= {"AWS::DynamoDB::Table", "AWS::Lambda::Function", "AWS::IAM::Policy"}


def test_mid_upgrade_stack_passes_cdk_nag_and_cfn_lint(mid_upgrade):
    assert mid_upgrade.nag_failure is None, mid_upgrade.nag_failure
    result = subprocess.run([str(CFN_LINT), "--ignore-checks", "W3005", "--", str(mid_upgrade.template_file)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
