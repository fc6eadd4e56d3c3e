"""The metrics aggregates' shards: which shard an event adds to, that each shard is a partition of
its own, and that a report reads every shard (and the retired partition the migration empties)
with a constant number of Queries and sums them."""

from collections import Counter
from datetime import date

import pytest

from casetrail.domain.identity import Principal, Role
from casetrail.domain.metrics import CURRENT, GroupBy, open_cases_by_value, report
from casetrail.service.metrics import MetricsService, incremental_report
from casetrail.store import keys
from casetrail.store.dynamo import Table, deserialize, serialize
from casetrail.store.metrics import MetricsRepository

SUPERVISOR = Principal(tenant_id="demo", principal_id="p-sam", name="Sam", role=Role.SUPERVISOR)


class FakeMetricsTable:
    """A DynamoDB client holding items by partition, answering key-condition Queries as DynamoDB
    does for the two the report makes (a sort-key range, a prefix), and counting them."""

    def __init__(self, items: list[dict]):
        self.partitions: dict[str, list[dict]] = {}
        for item in items:
            self.partitions.setdefault(item["pk"], []).append(item)
        self.queries: list[str] = []

    def query(self, **request):
        values = deserialize(request["ExpressionAttributeValues"])
        self.queries.append(values[":pk"])
        found = sorted(self.partitions.get(values[":pk"], []), key=lambda i: i["sk"])
        if ":start" in values:
            found = [i for i in found if values[":start"] <= i["sk"] <= values[":end"]]
        else:
            found = [i for i in found if i["sk"].startswith(values[":current"])]
        return {"Items": [serialize(i) for i in found]}


def shard_items(dimension: str, period: str, value: str, counters: dict[str, int], shards: list[int]) -> list[dict]:
    """One aggregate spread over the given shards, the counters split between them."""
    items = []
    for n, shard in enumerate(shards):
        part = {name: amount // len(shards) + (amount % len(shards) if n == 0 else 0) for name, amount in counters.items()}
        items.append({**keys.metrics_bucket_item("demo", dimension, period, value, shard), **part})
    return items


def test_every_copy_of_an_event_adds_to_the_same_shard():
    assert {keys.counter_shard("evt-1234", keys.METRIC_SHARDS) for _ in range(3)} == {keys.counter_shard("evt-1234", keys.METRIC_SHARDS)}


def test_events_spread_evenly_over_the_shards():
    # Given 8,000 event ids (uuid-like, as EventBridge and the outbox give them)
    shards = Counter(keys.counter_shard(f"6f1c2d3e-0000-4000-8000-{n:012d}", keys.METRIC_SHARDS) for n in range(8_000))
    # Then every shard takes its share, within 10% of it
    assert set(shards) == set(range(keys.METRIC_SHARDS))
    assert max(shards.values()) < 1.1 * 8_000 / keys.METRIC_SHARDS and min(shards.values()) > 0.9 * 8_000 / keys.METRIC_SHARDS


def test_each_shard_is_a_partition_of_its_own_under_the_tenant():
    partitions = {keys.metrics_bucket_item("demo", "day", "2026-11-25", "all", shard)["pk"] for shard in range(keys.METRIC_SHARDS)}
    assert len(partitions) == keys.METRIC_SHARDS
    assert all(p.startswith("T#demo#METRICS#day#") for p in partitions)
    assert keys.retired_metrics_partition("demo", "day") not in partitions
    # And a shard's sort key is the aggregate's alone (period, then group value, a '#' in it kept)
    assert keys.metrics_bucket_item("demo", "category", CURRENT, "billing#refunds", 3)["sk"] == "current#billing#refunds"


def test_the_gauges_of_one_group_are_summed_over_their_shards():
    items = [{"value": "fraud", "openCases": 2}, {"value": "fraud", "openCases": -1}, {"value": "billing", "openCases": 1}, {"value": "returns", "openCases": 0}]
    assert open_cases_by_value(items) == {"fraud": 1, "billing": 1}


def test_a_day_spread_over_shards_reports_as_one_day():
    items = [{"period": "2026-11-25", "value": "all", "casesCreated": 3, "casesResolved": 1, "resolutionSeconds": 60}, {"period": "2026-11-25", "value": "all", "casesCreated": 2, "casesResolved": 1, "resolutionSeconds": 120}]
    result = report("2026-11-25", "2026-11-25", GroupBy.DAY, items, {"all": 4})
    assert [g.key for g in result.groups] == ["2026-11-25"]
    assert (result.totals.cases_created, result.totals.cases_resolved, result.totals.average_resolution_seconds, result.totals.open_cases) == (5, 2, 90, 4)


def month_by_queue(cases_per_day: int) -> list[dict]:
    """November 2026 by queue and the queue's open-case gauge, each spread over every shard."""
    days = [
        item
        for day in range(1, 31)
        for item in shard_items("queue", f"2026-11-{day:02d}", "fraud", {"casesCreated": cases_per_day}, list(range(keys.METRIC_SHARDS)))
    ]
    return days + shard_items("queue", CURRENT, "fraud", {"openCases": 16}, list(range(keys.METRIC_SHARDS)))


def test_a_report_through_today_reads_each_shard_with_one_query_whatever_the_data():
    shards = [keys.metrics_partition("demo", "queue", shard) for shard in range(keys.METRIC_SHARDS)]
    for cases_per_day in (1, 1_000):
        # Given a month of days and queue gauges spread over every shard, the last day being today
        fake = FakeMetricsTable(month_by_queue(cases_per_day))
        repository = MetricsRepository(Table("metrics", client=fake))

        # When the month is reported (the dashboard's range: through today)
        result = incremental_report(repository, "demo", date(2026, 11, 1), date(2026, 11, 30), GroupBy.QUEUE, today=date(2026, 11, 30))

        # Then the figures are the shards' sums, the days and the gauges read with one Query per
        # partition, the retired one the migration empties last
        assert (result.totals.cases_created, result.totals.open_cases) == (30 * cases_per_day, 16)
        assert fake.queries == [*shards, keys.retired_metrics_partition("demo", "queue")]


def test_a_day_written_by_a_clock_ahead_of_the_reader_s_is_not_in_a_report_through_today():
    items = month_by_queue(1) + shard_items("queue", "2026-12-01", "fraud", {"casesCreated": 7}, [3])
    repository = MetricsRepository(Table("metrics", client=FakeMetricsTable(items)))
    result = incremental_report(repository, "demo", date(2026, 11, 1), date(2026, 11, 30), GroupBy.QUEUE, today=date(2026, 11, 30))
    assert result.totals.cases_created == 30


def test_a_report_of_a_past_range_reads_each_shard_once_for_the_days_and_once_for_the_gauges():
    for cases_per_day in (1, 1_000):
        # Given a month of days and queue gauges spread over every shard
        items = month_by_queue(cases_per_day)
        fake = FakeMetricsTable(items)
        service = MetricsService(MetricsRepository(Table("metrics", client=fake)))

        # When a supervisor asks for the month by queue, after it ended
        result = service.report(SUPERVISOR, date(2026, 11, 1), date(2026, 11, 30), GroupBy.QUEUE)

        # Then the figures are the shards' sums, read with one Query per shard for the days and one for
        # the gauges, and one each of the retired partition the migration empties, read last (an item
        # moved between two Queries is then missed by that one report, never counted twice)
        assert (result.totals.cases_created, result.totals.open_cases) == (30 * cases_per_day, 16)
        shards = [keys.metrics_partition("demo", "queue", shard) for shard in range(keys.METRIC_SHARDS)]
        assert fake.queries == [*shards, keys.retired_metrics_partition("demo", "queue")] * 2


@pytest.mark.parametrize("today", [date(2026, 11, 25), date(2026, 12, 1)])  # a range through today, and a past one
def test_a_report_sums_what_the_migration_has_not_moved_yet_with_the_shards(today):
    # Given a day's aggregate partly in a shard and partly still in the retired partition (both of
    # its designs: the shard at the end of the sort key, and no shard at all)
    retired = keys.retired_metrics_partition("demo", "day")
    items = [
        *shard_items("day", "2026-11-25", "all", {"casesCreated": 3}, [5]),
        {"pk": retired, "sk": "2026-11-25#all#02", "shard": 2, "casesCreated": 2},
        {"pk": retired, "sk": "2026-11-25#all", "casesCreated": 1},
        {"pk": retired, "sk": "current#all#02", "shard": 2, "openCases": 4},
    ]
    repository = MetricsRepository(Table("metrics", client=FakeMetricsTable(items)))
    # When the day is reported, Then every part is counted once, in one group
    result = incremental_report(repository, "demo", date(2026, 11, 25), date(2026, 11, 25), GroupBy.DAY, today=today)
    assert ([g.key for g in result.groups], result.totals.cases_created, result.totals.open_cases) == (["2026-11-25"], 6, 4)
