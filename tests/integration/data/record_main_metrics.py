"""Records tests/integration/data/main_metrics_items.json: every item main's metrics consumer (the
key design before the shard moved into the partition key) wrote for a few cases, and what main's
GET /metrics answered from them. Run it with main's code, once, when the key design changes:

    git archive <commit> functions tests events local bench | tar -x -C /tmp/main
    cp tests/integration/data/record_main_metrics.py /tmp/main/tests/integration/data/
    cd /tmp/main && RECORD_TO=$PWD/main_metrics_items.json PYTHONPATH=functions:. \\
        python -m pytest -p no:cacheprovider tests/integration/data/record_main_metrics.py

Not collected by the suite (its name is not test_*): it describes the past, it does not test it.
"""

import json
import os
import subprocess
from datetime import UTC, datetime

import pytest

from casetrail.store import keys
from casetrail.store.dynamo import Table, serialize
from tests.conftest import TEST_ENVIRONMENT, load_event
from tests.integration.test_metrics import a_day_of_cases, agent, deliver, metrics, supervisor  # noqa: F401 (fixtures)

SAMPLE_DAY = "2026-11-25"  # the day of events/sqs/case_created.json


@pytest.mark.usefixtures("aws")
def test_record(agent, supervisor):  # noqa: F811 (fixtures)
    # Cases through main's API and consumer: resolved, reopened, left open, and the sample SQS event.
    deliver(*a_day_of_cases(agent))
    sample = load_event("sqs/case_created.json")
    deliver(json.loads(sample["Records"][0]["body"])["detail"])
    table = Table(TEST_ENVIRONMENT["METRICS_TABLE_NAME"])
    # An aggregate item written before the shards existed (no shard suffix), which main still sums.
    table.client.put_item(TableName=table.name, Item=serialize({**keys.metrics_bucket_item("demo", "queue", SAMPLE_DAY, "billing"), "casesCreated": 2, "casesResolved": 1, "resolutionSeconds": 600}))
    today = datetime.now(UTC).date().isoformat()
    reports = {group_by: metrics(supervisor, group_by, SAMPLE_DAY, today).body for group_by in ("day", "template", "queue", "category")}
    items = table.client.scan(TableName=table.name)["Items"]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip() or "main"
    record = {"commit": commit, "from": SAMPLE_DAY, "to": today, "reports": reports, "items": sorted(items, key=lambda i: (i["pk"]["S"], i["sk"]["S"]))}
    with open(os.environ["RECORD_TO"], "w") as out:
        json.dump(record, out, indent=1, sort_keys=True)
