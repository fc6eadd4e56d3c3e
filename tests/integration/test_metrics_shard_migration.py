"""`casetrail-admin migrate` moves the metrics aggregates into their shards' partitions.

tests/integration/data/main_metrics_items.json holds every item main's metrics consumer wrote (the
design with one partition per tenant and dimension, the shard at the end of the sort key) for four
cases through main's API and consumer, plus an aggregate item of the design before the shards, and
the GET /metrics reports main's code answered from them (recorded by record_main_metrics.py in
the same directory). Before, during and after the migration, however it is run, the new code must
answer the same."""

import argparse
import json
from pathlib import Path

import pytest

from casetrail.admin import run_migrate
from casetrail.store import keys
from casetrail.store.dynamo import Table, dynamodb_client, serialize
from casetrail.store.metrics import MetricsRepository
from casetrail.store.migration import METRICS_STEP, MIGRATION, KeyDesignMigration
from tests.conftest import TEST_ENVIRONMENT
from tests.integration.api_client import ApiClient

pytestmark = pytest.mark.usefixtures("aws")

MAIN = json.loads((Path(__file__).parent / "data" / "main_metrics_items.json").read_text())
DIMENSIONS = ("day", "template", "queue", "category")
RETIRED = [item for item in MAIN["items"] if item["pk"]["S"] in {keys.retired_metrics_partition("demo", d) for d in DIMENSIONS}]


def table(name: str) -> Table:
    return Table(TEST_ENVIRONMENT[name])


@pytest.fixture(autouse=True)
def main_metrics_items(aws):
    """The metrics table holds exactly what main's code wrote."""
    client = dynamodb_client()
    for item in MAIN["items"]:
        client.put_item(TableName=TEST_ENVIRONMENT["METRICS_TABLE_NAME"], Item=item)


def reports() -> dict[str, dict]:
    supervisor = ApiClient(principal_id="p-demo-supervisor", name="Sam Supervisor", role="supervisor")
    answers = {}
    for group_by in DIMENSIONS:
        response = supervisor.request("get_metrics", query={"from": MAIN["from"], "to": MAIN["to"], "groupBy": group_by})
        assert response.status == 200, response.body
        answers[group_by] = response.body
    return answers


def migration(**options) -> KeyDesignMigration:
    return KeyDesignMigration(
        cases=table("CASES_TABLE_NAME"), tasks=table("TASKS_TABLE_NAME"), access=table("ACCESS_TABLE_NAME"), metrics=table("METRICS_TABLE_NAME"), progress=lambda _: None, **options
    )


def retired_items_left() -> int:
    return sum(len(MetricsRepository(table("METRICS_TABLE_NAME")).retired_aggregates_page("demo", d, 1000)[0]) for d in DIMENSIONS)


def test_before_the_migration_get_metrics_already_answers_what_main_answered():
    # Given main's items: sharded ones (the shard at the end of the sort key) and one from before shards
    assert len(RETIRED) > 30 and MAIN["reports"]["queue"]["totals"]["casesCreated"] > 0
    assert any("shard" not in item for item in RETIRED) and any("shard" in item for item in RETIRED)
    # When the new code reads them before the migration, Then it answers main's figures (it reads
    # the retired partitions too, until every deployment has migrated)
    assert reports() == MAIN["reports"]


def test_after_the_migration_get_metrics_answers_what_main_answered(capsys):
    # When the operator runs the migration
    result = run_migrate(argparse.Namespace(max_pages=None), table("CASES_TABLE_NAME"), table("TASKS_TABLE_NAME"), table("ACCESS_TABLE_NAME"), table("METRICS_TABLE_NAME"))

    # Then the step moved every aggregate item, printing its progress as it went
    assert result["done"] and result["steps"][METRICS_STEP] == {"read": len(RETIRED), "rewritten": len(RETIRED), "done": True}
    assert f"{METRICS_STEP}: " in capsys.readouterr().err
    # And every report, by day, template, queue and category, is the one main's code gave
    assert reports() == MAIN["reports"]
    # And nothing is left under the retired keys
    assert retired_items_left() == 0


def test_a_migration_stopped_after_every_page_and_run_again_counts_everything_once():
    # Given runs cut short after one page of two items, each continued by the next run
    runs = 0
    while not migration(page_size=2).run(max_pages=1)["done"]:
        runs += 1
        assert runs < 200
        if runs % 5 == 0:  # Then at any point of the way, the figures are main's
            assert reports() == MAIN["reports"]
    # And at its end
    assert runs > 10 and reports() == MAIN["reports"]
    # And another run, and one forced to start the step again from scratch, move nothing
    assert migration().run()["steps"][METRICS_STEP]["done"]
    table("ACCESS_TABLE_NAME").put({**keys.migration_checkpoint_item(MIGRATION, METRICS_STEP), "read": 0, "rewritten": 0, "done": False})
    again = migration().run()
    assert again["steps"][METRICS_STEP] == {"read": 0, "rewritten": 0, "done": True}
    assert reports() == MAIN["reports"]


def test_a_run_that_died_in_the_middle_of_a_page_counts_the_items_it_moved_once():
    # Given a run that moved some items of a page and died before saving its checkpoint
    repository = MetricsRepository(table("METRICS_TABLE_NAME"))
    page, _ = repository.retired_aggregates_page("demo", "queue", 5)
    assert all(repository.move_retired_aggregate("demo", "queue", item) for item in page[:3])
    # When the migration runs from its (unsaved) start
    result = migration().run()
    # Then it moves the rest, and the figures are main's
    assert result["steps"][METRICS_STEP]["rewritten"] == len(RETIRED) - 3
    assert reports() == MAIN["reports"]


@pytest.mark.parametrize("counter", ["casesCreated", "tasksOverdue"])  # a counter the item holds, and one it does not yet
def test_an_aggregate_the_old_code_adds_to_while_it_is_moved_loses_nothing(counter):
    # Given an item read by the migration, then added to by a consumer still running the old code
    repository = MetricsRepository(table("METRICS_TABLE_NAME"))
    metrics = table("METRICS_TABLE_NAME")
    stale = next(item for item in repository.retired_aggregates_page("demo", "day", 100)[0] if item["sk"].startswith(MAIN["to"]))
    assert "casesCreated" in stale and "tasksOverdue" not in stale
    metrics.client.update_item(
        TableName=metrics.name, Key=serialize({"pk": stale["pk"], "sk": stale["sk"]}), UpdateExpression=f"ADD {counter} :one", ExpressionAttributeValues={":one": {"N": "1"}}
    )
    # When the migration moves the item it read
    assert repository.move_retired_aggregate("demo", "day", stale)
    # Then the late addition is counted too (the move re-read the item), and only once
    assert migration().run()["done"]
    totals, before = reports()["day"]["totals"], MAIN["reports"]["day"]["totals"]
    assert (totals["casesCreated"], totals["tasksOverdue"]) == (before["casesCreated"] + (counter == "casesCreated"), before["tasksOverdue"] + (counter == "tasksOverdue"))
