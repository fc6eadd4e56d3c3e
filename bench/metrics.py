"""Benchmark: GET /metrics over the last 30 days holding 100 vs 10,000 cases, through the real API handler
on moto in process, printed as a ratio with the DynamoDB calls per request: the report reads the
range's aggregate items, one Query per shard (and one of the retired unsharded partition), for the
days and the gauges together when the range runs through today (the dashboard's) and one for each
when it has ended, so neither must grow with the number of cases.

The aggregates are written straight through the store's keys (one put per aggregate and shard:
each aggregate's counters spread over every shard, as a busy tenant's events leave them), with the
figures the consumer's own pure functions compute for each synthetic case (created, one chat,
resolved): 10,000 cases through the consumer would be ~20,000 transactions on moto, measuring
moto rather than the read.

    python -m bench.metrics --requests 50
"""

import json
import os
from collections import Counter
from datetime import UTC, datetime, timedelta

from bench.harness import emulated_casetrail, measure, requests_from_command_line
from tests.conftest import load_event
from tests.lambda_context import FakeLambdaContext

DAYS = 30
QUEUES = ("billing", "fraud", "general", "returns", "vip")


def synthetic_case(n: int, start: datetime) -> list[dict]:
    """The facts one case leaves: created, a chat, resolved an hour later (every 7th reopened)."""
    created = start + timedelta(days=n % DAYS, seconds=n)
    base = {"createdAt": created.isoformat(), "dims": {"template": "(none)", "queue": QUEUES[n % len(QUEUES)], "category": "billing"}}
    facts = [
        {**base, "v": 1, "kind": "created", "at": created.isoformat(), "status": "open"},
        {**base, "v": 2, "kind": "contact", "at": created.isoformat(), "status": "open", "channel": "CHAT"},
        {**base, "v": 3, "kind": "updated", "at": (created + timedelta(hours=1)).isoformat(), "status": "resolved", "previous": "open"},
    ]
    if n % 7 == 0:
        facts.append({**base, "v": 4, "kind": "updated", "at": (created + timedelta(hours=2)).isoformat(), "status": "open", "previous": "resolved"})
    return facts


def split_over_shards(counters: dict[str, int], shards: int) -> list[dict[str, int]]:
    """An aggregate's counters as a busy tenant's events leave them: spread over every shard."""
    return [{name: amount // shards + (amount % shards if shard == 0 else 0) for name, amount in counters.items()} for shard in range(shards)]


def main() -> None:
    requests = requests_from_command_line(default=50)
    rows = []
    for cases in (100, 10_000):
        with emulated_casetrail() as client:
            from casetrail.domain.metrics import by_bucket, case_contribution
            from casetrail.handlers.api import handler
            from casetrail.store import keys
            from casetrail.store.dynamo import serialize

            # The last 30 days through today, as the dashboard asks; and the same days but today,
            # a range that has ended (read with a Query for the days and one for the gauges).
            today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
            start = today - timedelta(days=DAYS - 1)
            total: Counter = Counter()
            for n in range(cases):
                total.update(case_contribution(synthetic_case(n, start), reopen_days=7))
            for (dimension, period, value), counters in by_bucket(total).items():
                for shard, part in enumerate(split_over_shards(counters, keys.METRIC_SHARDS)):
                    item = {**keys.metrics_bucket_item("demo", dimension, period, value, shard), **part}
                    client.put_item(TableName=os.environ["METRICS_TABLE_NAME"], Item=serialize(item))

            event = load_event("api/get_metrics.json")
            context = FakeLambdaContext()
            ranges = {
                "through today": (today, cases),
                "ended": (today - timedelta(days=1), sum(1 for n in range(cases) if n % DAYS != DAYS - 1)),
            }
            for group_by in ("day", "queue"):
                for kind, (end, created) in ranges.items():
                    event["queryStringParameters"] = {"from": start.date().isoformat(), "to": end.date().isoformat(), "groupBy": group_by}
                    event["multiValueQueryStringParameters"] = {k: [v] for k, v in event["queryStringParameters"].items()}

                    def report(_: int, expected: int = created) -> None:
                        response = handler(event, context)
                        assert response["statusCode"] == 200, response["body"]
                        assert json.loads(response["body"])["totals"]["casesCreated"] == expected

                    rows.append((cases, group_by, kind, *measure(report, requests)))

    print(f"\n{requests} GET /metrics over {DAYS} days (through today) and {DAYS - 1} (ended yesterday), moto in process, median per request\n")
    for cases, group_by, kind, median, per_request in rows:
        print(f"{cases:>6} cases  groupBy={group_by:<6} {kind:<14} {median * 1000:7.2f} ms  {per_request}")
    for group_by in ("day", "queue"):
        for kind in ranges:
            small, large = [r[3] for r in rows if r[1] == group_by and r[2] == kind]
            print(f"ratio 10,000 / 100 cases, groupBy={group_by}, {kind}: {large / small:.2f}")


if __name__ == "__main__":
    main()
