"""The upgrade of the cases table's indexes from the previous release, as data: every deployment
changes one index, none is ever redefined under its name, and the code knows what it may query."""

import json
import subprocess
from dataclasses import replace

import pytest

from casetrail.store import case_indexes
from casetrail.store.case_indexes import PREVIOUS_RELEASE, PREVIOUS_RELEASE_INDEXES, deployed_step, queryable, upgrade_plan, upgrade_steps, wait_until_active
from casetrail.store.tables import CASES_BY_CUSTOMER, CASES_SLA_DUE, CASES_TABLE, CLOSED_CASES, PROJECT_ALL, TIMELINE_BY_TYPE, IndexSpec

STEPS = upgrade_steps()


def _definition(index: IndexSpec) -> tuple:
    return (index.partition_key, index.sort_key, index.projection)


# The cases table's indexes of the release users deployed, as `git show f6abaa6:functions/casetrail/store/tables.py`
# declares them (an IndexSpec then had no projection: CDK's default, ALL).
RELEASED = [
    ("byTenant", "byTenantpk", "byTenantsk"),
    ("byCustomer", "byCustomerpk", "byCustomersk"),
    ("byStatus", "byStatuspk", "byStatussk"),
    ("byAssignee", "byAssigneepk", "byAssigneesk"),
    ("byQueue", "byQueuepk", "byQueuesk"),
    ("byTimelineType", "byTimelineTypepk", "byTimelineTypesk"),
    ("byTemplate", "byTemplatepk", "byTemplatesk"),
    ("byCategory", "byCategorypk", "byCategorysk"),
    ("byPriority", "byPrioritypk", "byPrioritysk"),
    ("byUpdated", "byUpdatedpk", "byUpdatedsk"),
    ("byAssigneeUpdated", "byAssigneeUpdatedpk", "byAssigneeUpdatedsk"),
    ("slaDue", "slaDuepk", "slaDuesk"),
]


def test_the_previous_release_indexes_are_those_its_commit_declared():
    assert PREVIOUS_RELEASE == "f6abaa6"
    assert [(i.name, i.partition_key, i.sort_key, i.projection) for i in PREVIOUS_RELEASE_INDEXES] == [(*index, PROJECT_ALL) for index in RELEASED]


def test_each_deployment_creates_or_deletes_exactly_one_index_and_changes_none():
    previous = PREVIOUS_RELEASE_INDEXES
    for step in STEPS:
        before, after = {i.name: i for i in previous}, {i.name: i for i in step.indexes}
        assert len(set(before) ^ set(after)) == 1, step.name
        assert all(before[name] == after[name] for name in set(before) & set(after)), step.name
        previous = step.indexes


def test_no_index_name_ever_stands_for_two_definitions():
    definitions: dict[str, set] = {}
    for index in [*PREVIOUS_RELEASE_INDEXES, *(i for step in STEPS for i in step.indexes), *CASES_TABLE.indexes]:
        definitions.setdefault(index.name, set()).add(_definition(index))
    assert {name: found for name, found in definitions.items() if len(found) > 1} == {}


def test_the_first_step_keeps_every_index_of_the_previous_release_and_the_last_is_a_fresh_deployment():
    assert set(PREVIOUS_RELEASE_INDEXES) <= set(STEPS[0].indexes)
    assert STEPS[-1].indexes == CASES_TABLE.indexes == deployed_step(None).indexes
    assert case_indexes.environment(STEPS[-1]) == case_indexes.environment(deployed_step(None))


def test_a_new_index_is_queried_from_the_step_after_the_one_that_creates_it():
    # (by then it is backfilled, and the migration run after the first step gave old items its keys)
    expand = [step for step in STEPS if step.phase == "expand"]
    contract = [step for step in STEPS if step.phase == "contract"]
    assert STEPS == (*expand, *contract) and len(expand) == len(set(CASES_TABLE.indexes) - set(PREVIOUS_RELEASE_INDEXES))
    assert set(expand[0].queryable) == {i.name for i in PREVIOUS_RELEASE_INDEXES}
    assert all(set(step.queryable) == {i.name for i in before.indexes} for before, step in zip(STEPS, STEPS[1:]) if step.phase == "expand")
    assert all(set(step.queryable) == {i.name for i in step.indexes} for step in contract)


def test_a_changed_index_under_its_old_name_is_refused():
    changed = replace(PREVIOUS_RELEASE_INDEXES[1], projection="KEYS_ONLY")
    with pytest.raises(ValueError, match="byCustomer"):
        upgrade_steps(final=(changed,))


def test_an_unknown_step_is_refused_naming_the_steps():
    with pytest.raises(ValueError, match="add-byCustomerV2"):
        deployed_step("add-everything")


def test_while_expanding_the_code_queries_an_old_index_with_the_same_keys_or_nothing(monkeypatch):
    # Given the first step's deployment
    monkeypatch.setenv(case_indexes.QUERYABLE_INDEXES_ENV_VAR, case_indexes.environment(STEPS[0])[case_indexes.QUERYABLE_INDEXES_ENV_VAR])
    # Then the timeline and SLA indexes are read from the old ones (same key attributes)...
    assert queryable(TIMELINE_BY_TYPE).name == "byTimelineType" and queryable(CASES_SLA_DUE).name == "slaDue"
    # ... and a list whose sort key changed, or a new index, is not queryable (search, or the sweeper waits)
    assert queryable(CASES_BY_CUSTOMER) is None and queryable(CLOSED_CASES) is None


def test_once_contracting_and_without_the_variable_the_code_queries_the_new_indexes(monkeypatch):
    monkeypatch.setenv(case_indexes.QUERYABLE_INDEXES_ENV_VAR, json.dumps(STEPS[-3].queryable))
    assert all(queryable(index) == index for index in CASES_TABLE.indexes)
    monkeypatch.delenv(case_indexes.QUERYABLE_INDEXES_ENV_VAR)
    assert all(queryable(index) == index for index in CASES_TABLE.indexes)


def test_the_plan_deploys_every_step_in_order_then_migrates_after_the_first_and_ends_without_context():
    plan = [line for line in upgrade_plan("Casetrail") if not line.startswith("#")]
    deploys = [line for line in plan if line.startswith("npx aws-cdk@2 deploy")]
    assert deploys[:-1] == [f"npx aws-cdk@2 deploy Casetrail -c casetrail:casesIndexStep={s.name} && casetrail-admin --stack Casetrail wait-indexes --step {s.name}" for s in STEPS]
    assert deploys[-1] == "npx aws-cdk@2 deploy Casetrail && casetrail-admin --stack Casetrail wait-indexes --step final"
    assert plan[1].startswith("casetrail-admin --stack Casetrail reindex") and plan[2].startswith("casetrail-admin --stack Casetrail migrate")


def test_the_plan_of_a_stage_names_it_and_resumes_from_a_step():
    plan = [line for line in upgrade_plan("Casetrail-prod", start=STEPS[-1].name) if not line.startswith("#")]
    assert plan == [
        f"npx aws-cdk@2 deploy Casetrail-prod -c stage=prod -c casetrail:casesIndexStep={STEPS[-1].name} && casetrail-admin --stack Casetrail-prod wait-indexes --step {STEPS[-1].name}",
        "npx aws-cdk@2 deploy Casetrail-prod -c stage=prod && casetrail-admin --stack Casetrail-prod wait-indexes --step final",
    ]


class BackfillingTable:
    """DescribeTable of a table whose new index backfills for two polls."""

    def __init__(self):
        self.polls = 0

    def describe_table(self, TableName):
        self.polls += 1
        status = "CREATING" if self.polls < 3 else "ACTIVE"
        return {"Table": {"TableStatus": "ACTIVE", "GlobalSecondaryIndexes": [{"IndexName": "byCustomerV2", "IndexStatus": status, "Backfilling": status == "CREATING"}, {"IndexName": "byTenant", "IndexStatus": "ACTIVE"}]}}


def test_waiting_for_indexes_returns_once_every_index_is_active_and_reports_the_backfill():
    table, lines, sleeps = BackfillingTable(), [], []
    assert wait_until_active(table, "cases", progress=lines.append, sleep=sleeps.append) == ["byCustomerV2", "byTenant"]
    assert table.polls == 3 and len(sleeps) == 2
    assert lines[0] == "cases: table ACTIVE, byCustomerV2 CREATING (backfilling)"


def test_the_admin_command_prints_the_plan_and_refuses_an_unknown_step(capsys):
    from casetrail import admin

    assert admin.main(["--stack", "Casetrail", "upgrade-plan"]) == 0
    assert capsys.readouterr().out.splitlines() == upgrade_plan("Casetrail")
    with pytest.raises(SystemExit, match="add-byCustomerV2"):
        admin.main(["--stack", "Casetrail", "upgrade-plan", "--from", "add-everything"])


def test_the_printed_plan_runs_as_a_shell_script_in_order(tmp_path):
    # Given stand-ins for npx and casetrail-admin that log what they are asked to do
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for command in ("npx", "casetrail-admin"):
        stub = bin_dir / command
        stub.write_text(f'#!/bin/sh\necho "{command} $*" >> "{tmp_path}/calls"\n')
        stub.chmod(0o755)
    script = tmp_path / "upgrade.sh"
    script.write_text("\n".join(upgrade_plan("Casetrail")) + "\n")

    # When the operator runs it as the README says
    subprocess.run(["sh", "-e", str(script)], env={"PATH": f"{bin_dir}:/usr/bin:/bin"}, check=True)

    # Then every step is deployed then checked, reindex and migrate follow the first, and it ends without context
    calls = (tmp_path / "calls").read_text().splitlines()
    assert calls[:4] == [
        f"npx aws-cdk@2 deploy Casetrail -c casetrail:casesIndexStep={STEPS[0].name}",
        f"casetrail-admin --stack Casetrail wait-indexes --step {STEPS[0].name}",
        "casetrail-admin --stack Casetrail reindex",
        "casetrail-admin --stack Casetrail migrate",
    ]
    assert [c.split("=")[1] for c in calls if "casesIndexStep=" in c] == [s.name for s in STEPS]
    assert calls[-2:] == ["npx aws-cdk@2 deploy Casetrail", "casetrail-admin --stack Casetrail wait-indexes --step final"]
