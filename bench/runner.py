"""Benchmark: the local runner (`make run`) under load, as ratios from one run.

1. A transaction's cost against the size of its table: a case's create transaction (the store's own:
   case, reference pointer, audit record) on moto in process, patched as in the runner, on a cases
   table holding a few items vs one holding 10,000 more, alternately. moto unpatched copied the
   table for each item of each transaction, so the cost grew with the table; it must not.
2. Throughput of `make run` itself: the runner as a child process, driven over HTTP by 1 client, then
   by 8 concurrent clients, each creating cases; creates per second over the whole run, with the
   event path (stream, bus, every consumer) running behind it as usual.

    make bench            (or: python -m bench.runner --requests 48)
"""

import json
import statistics
import threading
import time
import urllib.request
from datetime import UTC, datetime

from bench.harness import emulated_casetrail, requests_from_command_line
from local.runner_process import RunnerProcess

LARGE_TABLE_ITEMS = 10_000
CLIENTS = 8
API_KEY = "ctk_bench-fixed-demo-key-0123456789"
CASE = {"title": "Benchmark case", "customerId": "cust-1"}  # the runner's demo customer; no SLA policy applies


def main() -> None:
    requests = requests_from_command_line(default=48)
    small, large = _transaction_cost(requests)
    print(f"\n1. A case's create transaction (3 conditional puts), moto in process, median of {requests} each")
    print(f"   cases table with a few items:       {small * 1000:7.1f} ms")
    print(f"   cases table with {LARGE_TABLE_ITEMS:,} more items: {large * 1000:7.1f} ms")
    print(f"   ratio large / small: {large / small:.2f}", flush=True)
    one, many = _throughput(requests)
    print(f"\n2. make run, POST /cases over HTTP, {requests} creates per run")
    print(f"   1 client:  {one:5.1f} creates/s")
    print(f"   {CLIENTS} clients: {many:5.1f} creates/s")
    print(f"   ratio {CLIENTS} / 1: {many / one:.2f}")


def _transaction_cost(requests: int) -> tuple[float, float]:
    """Median seconds of a case's create transaction (case, reference pointer, audit record: the
    store's own) on a cases table holding a few items vs one holding LARGE_TABLE_ITEMS more,
    alternating between the two so the machine's load weighs on both alike."""
    with emulated_casetrail() as client:
        from casetrail.domain import cases as domain
        from casetrail.domain.cases import NewCase
        from casetrail.domain.identity import Principal, Role
        from casetrail.store.cases import CaseRepository
        from casetrail.store.dynamo import Table
        from casetrail.store.provisioning import create_table_request
        from casetrail.store.tables import CASES_TABLE

        tables = {size: _create(client, create_table_request(CASES_TABLE, f"bench-cases-{size}")) for size in ("small", "large")}
        _fill(client, tables["large"], LARGE_TABLE_ITEMS)
        small, large = CaseRepository(Table(tables["small"])), CaseRepository(Table(tables["large"]))
        author = Principal(tenant_id="bench", principal_id="p-bench", name="Bench", role=Role.AGENT)
        samples: dict[str, list[float]] = {"small": [], "large": []}
        for i in range(-5, requests):  # five of each to warm up
            for size, repository in (("small", small), ("large", large)):
                change = domain.open_case(
                    NewCase(title="Benchmark case", customer_id="cust-1"),
                    case_id=f"{size}-{i}", reference_number=str(10_000 + i), by=author, at=datetime.now(UTC),
                )
                started = time.perf_counter()
                repository.create(change)
                if i >= 0:
                    samples[size].append(time.perf_counter() - started)
    return statistics.median(samples["small"]), statistics.median(samples["large"])


def _create(client, request: dict) -> str:
    client.create_table(**request)
    return request["TableName"]


def _fill(client, table: str, items: int) -> None:
    """Items of another tenant: nothing a create reads, only table size."""
    for start in range(0, items, 25):
        client.batch_write_item(
            RequestItems={
                table: [
                    {"PutRequest": {"Item": {"pk": {"S": f"T#filler#{i}"}, "sk": {"S": "FILLER"}, "v": {"S": "x" * 400}}}}
                    for i in range(start, min(start + 25, items))
                ]
            }
        )


def _throughput(requests: int) -> tuple[float, float]:
    # The per-tenant request limit off: this measures the runner, not the limit.
    with RunnerProcess(api_key=API_KEY, environment={"CASETRAIL_TENANT_THROTTLE": "off"}) as runner:
        # Warm-up: first imports and connections, and as many function instances as 8 clients start
        # (each a cold start, as on Lambda): steady state is measured, not the scaling out.
        _creates(runner.url, 2 * CLIENTS, clients=CLIENTS)
        _settle(runner.url)
        one = _creates(runner.url, requests, clients=1)
        _settle(runner.url)
        many = _creates(runner.url, requests, clients=CLIENTS)
    return one, many


def _creates(url: str, requests: int, clients: int) -> float:
    """Creates per second: `requests` POST /cases shared by `clients` threads."""
    remaining = iter(range(requests))
    lock = threading.Lock()
    failures: list[int] = []

    def client() -> None:
        while True:
            with lock:
                if next(remaining, None) is None:
                    return
            status = _post(url, "/cases", CASE)
            if status != 201:
                failures.append(status)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    assert not failures, f"creates failed: {failures}"
    return requests / elapsed


def _settle(url: str, quiet_seconds: float = 2.0, timeout: float = 60.0) -> None:
    """Waits until the event path has caught up (no new event for a while), so the work left by one
    run does not slow the next."""
    deadline, last, quiet_since = time.monotonic() + timeout, None, time.monotonic()
    while time.monotonic() < deadline:
        request = urllib.request.Request(f"{url}/events/recent?limit=1", headers={"Authorization": f"Bearer {API_KEY}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            newest = json.loads(response.read())["items"]
        if newest != last:
            last, quiet_since = newest, time.monotonic()
        elif time.monotonic() - quiet_since >= quiet_seconds:
            return
        time.sleep(0.2)


def _post(url: str, path: str, body: dict) -> int:
    request = urllib.request.Request(
        url + path,
        method="POST",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {API_KEY}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


if __name__ == "__main__":
    main()
