"""Simulation: the hottest DynamoDB partitions when one large tenant opens 100 cases a second.

A day of the tenant's traffic in steady state: 100 new cases a second, each going through the
lifecycle of bench.write_units (created, 5 updates, 10 timeline items, 2 tasks, every consumer).
The keys are not modelled: the lifecycle runs once through the real API and consumers on moto, and
every write is recorded with the partition it lands in (table or index) and its write units, so the
keys are those the store's key functions wrote. Each partition is then placed in the population it
belongs to, from the identifiers in its key:

- shared by all tenants: a key without the tenant prefix;
- one case: a key naming the case, one of its tasks, its reference number or its contact;
- one shard of the tenant: a key the store's due-partition or metrics-partition functions give
  for one of its shards (a metrics shard's load: the lifecycle's units on every shard / shards);
- one agent, one queue, one customer: a key naming the lifecycle's assignee, queue or customer;
- one event: a key naming anything else unique to the lifecycle (event ids);
- the tenant: anything else under the tenant's prefix (counters, metrics).

A partition's steady-state load is then 100 cases/s × its units per lifecycle × the share of the
tenant's cases that reach it (one agent of AGENTS, the busiest queue's share, one shard of
DUE_SHARDS...). The day's traffic is the same every second in steady state, so the busiest second
of the day is that rate. A partition over DynamoDB's 1,000 write units a second throttles.

    make bench            (or: python -m bench.partitions [--cases-per-second 100])
"""

import argparse
import json
import re
from collections import defaultdict
from dataclasses import asdict, dataclass

PARTITION_LIMIT = 1_000  # write units a second, per partition (DynamoDB)
SECONDS_A_DAY = 86_400

# The large tenant: 100 new cases a second (8.6 M a day), worked by 2,000 agents in 20 queues; the
# busiest queue takes a quarter of the cases; customers are many (a customer's partition is cold).
AGENTS = 2_000
BUSIEST_QUEUE_SHARE = 0.25
CUSTOMERS = 1_000_000
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass(frozen=True)
class HotSpot:
    table: str
    where: str  # "base" or the index
    partition: str
    population: str
    units_per_second: float

    @property
    def over_limit(self) -> bool:
        return self.units_per_second > PARTITION_LIMIT


def population_of(partition: str, identifiers: dict[str, list[str]], tenant_id: str) -> tuple[str, float]:
    """(the population a partition serves, the share of the tenant's new cases that write to it)."""
    from casetrail.store import keys

    if not partition.startswith(f"{keys.TENANT_PREFIX}{tenant_id}#") and partition != f"{keys.TENANT_PREFIX}{tenant_id}":
        if re.fullmatch(r"[A-Z]+#\d+", partition):  # a shard of a cross-tenant index (the design before #13)
            return "ALL TENANTS", 1 / keys.DUE_SHARDS
        return "ALL TENANTS", 1.0
    if any(value in partition for value in identifiers["case"]):
        return "one case", 0.0  # its own lifecycle only: reported per case, not per second
    shards = _tenant_shard_partitions(tenant_id)
    if partition in shards:
        return f"one shard of {shards[partition]}", 1 / shards[partition]
    if any(value in partition for value in identifiers["assignee"]):
        return f"one agent of {AGENTS:,}", 1 / AGENTS
    if any(value in partition for value in identifiers["queue"]):
        return "the busiest queue", BUSIEST_QUEUE_SHARE
    if any(value in partition for value in identifiers["customer"]):
        return f"one customer of {CUSTOMERS:,}", 1 / CUSTOMERS
    if _UUID.search(partition):
        return "one event", 0.0
    return "the tenant", 1.0


def _tenant_shard_partitions(tenant_id: str) -> dict[str, int]:
    """The tenant's sharded partitions, each with the number of shards its writes spread over."""
    from casetrail.store import keys

    found: dict[str, int] = {}
    try:
        shards = range(keys.DUE_SHARDS)
        found |= {keys.sla_due_partition(tenant_id, s): keys.DUE_SHARDS for s in shards} | {keys.due_partition(tenant_id, s): keys.DUE_SHARDS for s in shards}
    except TypeError:
        pass  # the design before #13: its due partitions were not the tenant's
    return found | _metric_shard_partitions(tenant_id)


def _metric_shard_partitions(tenant_id: str) -> dict[str, int]:
    """The metrics aggregates' shard partitions (none while the shard was in the sort key)."""
    from casetrail.domain.metrics import GroupBy
    from casetrail.store import keys

    try:
        return {keys.metrics_partition(tenant_id, g.value, s): keys.METRIC_SHARDS for g in GroupBy for s in range(keys.METRIC_SHARDS)}
    except (TypeError, AttributeError):  # an earlier design: no metrics shards, or not in the partition key
        return {}


def simulate(cases_per_second: float) -> tuple[list[HotSpot], int]:
    """The partitions by steady-state load, hottest first, and one case's own partitions' units."""
    from bench.write_units import run_lifecycle

    ledger, identifiers = run_lifecycle()
    loads: dict[tuple[str, str, str, str], float] = defaultdict(float)
    per_case = 0
    for (table, where, partition), units in ledger.by_partition.items():
        population, share = population_of(partition, identifiers, "demo")
        if share == 0.0:
            per_case = max(per_case, units)
            continue
        generic = _generic(partition, identifiers)
        loads[(table, where, generic, population)] += cases_per_second * units * share
    spots = [HotSpot(table, where, partition, population, rate) for (table, where, partition, population), rate in loads.items()]
    return sorted(spots, key=lambda s: -s.units_per_second), per_case


def _generic(partition: str, identifiers: dict[str, list[str]]) -> str:
    """The partition with the lifecycle's own values named, and a metrics shard's number as
    <shard>: the lifecycle's events land on a few shards, the tenant's spread over all of them
    evenly, so a shard's steady-state load is the lifecycle's units on all shards / shards."""
    if partition in _metric_shard_partitions("demo"):
        partition = partition.rsplit("#", 1)[0] + "#<shard>"
    for kind in ("assignee", "queue", "customer"):
        for value in identifiers[kind]:
            partition = partition.replace(value, f"<{kind}>")
    return partition


def main() -> None:
    from bench.write_units import BASELINE_COMMIT, measure_baseline, without_search_replaced_indexes

    parser = argparse.ArgumentParser()
    parser.add_argument("--cases-per-second", type=float, default=100)
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--baseline", default=BASELINE_COMMIT, help="the commit to compare with")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--keep-indexes", action="store_true", help="simulate with the indexes search replaces")
    parser.add_argument("--json", action="store_true", help="print the partitions as one JSON line")
    arguments = parser.parse_args()
    dropped = [] if arguments.keep_indexes else without_search_replaced_indexes()
    spots, per_case = simulate(arguments.cases_per_second)
    if arguments.json:
        print(json.dumps([asdict(spot) for spot in spots]))
        return
    options = ("--cases-per-second", str(arguments.cases_per_second))
    before = None if arguments.no_baseline else measure_baseline(arguments.baseline, __file__, options)
    day = arguments.cases_per_second * SECONDS_A_DAY
    print(f"\nHottest partitions: one tenant, {arguments.cases_per_second:g} new cases/s in steady state ({day:,.0f} cases a day), the write_units lifecycle")
    if before is not None:
        _print("before", [HotSpot(**spot) for spot in before], arguments.top)
    _print("after" if before is not None else "now", spots, arguments.top)
    print(f"\na case's own partitions take at most {per_case} units over the case's whole life")
    if dropped:
        print(f"(after: without the indexes the search port replaces, still declared here: {', '.join(dropped)})")


def _print(title: str, spots: list[HotSpot], top: int) -> None:
    print(f"\n{title}:\n{'table/where':26} {'partition':40} {'serves':20} {'WCU/s':>8}")
    for spot in spots[:top]:
        flags = (" OVER 1,000" if spot.over_limit else "") + (" ALL TENANTS SHARE IT" if spot.population == "ALL TENANTS" else "")
        print(f"{spot.table + '/' + spot.where:26} {spot.partition[:40]:40} {spot.population[:20]:20} {spot.units_per_second:8.1f}{flags}")
    over = [s for s in spots if s.over_limit]
    shared = [s for s in spots if s.population == "ALL TENANTS"]
    print(f"partitions over {PARTITION_LIMIT:,} WCU/s: {len(over)}; shared by all tenants: {len(shared)}")


if __name__ == "__main__":
    main()
