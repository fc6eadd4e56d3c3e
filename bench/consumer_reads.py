"""Benchmark: DynamoDB reads (calls and read units) per event for each event consumer, as a
tenant's configuration and a case's history grow: 1 vs 100 rules, 1 vs 50 subscriptions, a case
with 5 vs 500 history entries. Printed as ratios to the small case, in one run; the goal is 1.0.

Each scenario is a fresh Casetrail on moto in process: the case is made and changed through the
real API handler, and its events (the audit records the publisher relays) are delivered through
SQS batches to the real consumer handlers. A warm-up round fills what a warm function instance
keeps (rules, subscriptions, calendars, pricing: each read once per tenant per few seconds), then
the measured rounds count every read each consumer makes: what a warm instance pays per event.

Read units are computed from the items each read returned, as DynamoDB bills them: a GetItem
rounds its item up to 4 KB, a Query the sum of its items, strongly consistent reads count 1 per
4 KB and eventually consistent ones 0.5 (moto reports no consumed capacity of its own).

    python -m bench.consumer_reads --rounds 3
"""

import argparse
import io
import math
from collections import Counter, defaultdict
from collections.abc import Callable
from contextlib import redirect_stdout
from dataclasses import dataclass

import botocore.client

from bench.harness import emulated_casetrail

READ_OPERATIONS = {"GetItem", "Query", "BatchGetItem", "Scan"}
CONSUMERS = ("rules", "sla", "metrics", "billing", "notification")
_original_api_call = botocore.client.BaseClient._make_api_call


@dataclass(frozen=True)
class Scenario:
    name: str
    rules: int = 1
    subscriptions: int = 1
    history: int = 5


BASELINE = Scenario("baseline: 1 rule, 1 subscription, 5 history entries")
SCENARIOS = (
    BASELINE,
    Scenario("100 rules", rules=100),
    Scenario("50 subscriptions", subscriptions=50),
    Scenario("500 history entries", history=500),
)


class ReadMeter:
    """Counts the DynamoDB reads made while a consumer runs, and their read units."""

    def __init__(self) -> None:
        self.consumer: str | None = None
        self.calls: Counter = Counter()
        self.units: Counter = Counter()
        self.by_operation: dict[str, Counter] = defaultdict(Counter)

    def __enter__(self) -> "ReadMeter":
        meter = self

        def counting(client, operation_name, api_params):
            response = _original_api_call(client, operation_name, api_params)
            if meter.consumer and client.meta.service_model.service_name == "dynamodb" and operation_name in READ_OPERATIONS:
                meter.calls[meter.consumer] += 1
                meter.units[meter.consumer] += _read_units(operation_name, api_params, response)
                meter.by_operation[meter.consumer][operation_name] += 1
            return response

        botocore.client.BaseClient._make_api_call = counting
        return self

    def __exit__(self, *_) -> None:
        botocore.client.BaseClient._make_api_call = _original_api_call


def _read_units(operation: str, request: dict, response: dict) -> float:
    from casetrail.store.item_sizes import item_size

    consistent = bool(request.get("ConsistentRead"))
    if operation == "GetItem":
        sizes = [item_size(response["Item"])] if "Item" in response else [0]
    elif operation == "BatchGetItem":
        sizes = [item_size(i) for items in response.get("Responses", {}).values() for i in items] or [0]
        consistent = any(r.get("ConsistentRead") for r in request.get("RequestItems", {}).values())
        return sum(max(1, math.ceil(s / 4096)) * (1 if consistent else 0.5) for s in sizes)
    else:
        sizes = [sum(item_size(i) for i in response.get("Items", []))]
    return sum(max(1, math.ceil(s / 4096)) * (1 if consistent else 0.5) for s in sizes)


def _clear_consumer_caches() -> None:
    from casetrail.handlers import billing_consumer, metrics_consumer, notification_wiring, rules_consumer, sla_consumer
    from casetrail.handlers.case_event_messages import event_intake
    from casetrail.settings import get_settings

    for cached in (get_settings, event_intake, rules_consumer.rule_engine, sla_consumer.sla_service, metrics_consumer.recorder, billing_consumer.metering_service):
        cached.cache_clear()
    notification_wiring.reset()


def _handlers() -> dict[str, Callable]:
    from casetrail.handlers import billing_consumer, metrics_consumer, notification_consumer, rules_consumer, sla_consumer

    return {
        "rules": rules_consumer.handler,
        "sla": sla_consumer.handler,
        "metrics": metrics_consumer.handler,
        "billing": billing_consumer.handler,
        "notification": notification_consumer.handler,
    }


def run(scenario: Scenario, rounds: int) -> tuple[dict[str, float], dict[str, float], dict[str, Counter]]:
    """(reads per event, read units per event, operations) of each consumer in a warm instance."""
    import os

    from tests.conftest import TEST_ENVIRONMENT
    from tests.integration.api_client import ApiClient
    from tests.integration.test_billing import published_detail, sqs_batch, task_created
    from tests.lambda_context import FakeLambdaContext

    os.environ["SLA_CONFIGURATION"] = (_config_path("sla-demo.json")).read_text()
    with emulated_casetrail():
        from casetrail.domain.rules import NewRule
        from casetrail.domain.subscriptions import EmailTarget, Subscription, SubscriptionFilter
        from casetrail.service.rules import load_rules
        from casetrail.store.access import AccessRepository
        from casetrail.store.dynamo import Table
        from casetrail.store.rules import RuleRepository
        from casetrail.store.subscriptions import StoredSubscription, SubscriptionRepository

        _clear_consumer_caches()
        AccessRepository(Table(TEST_ENVIRONMENT["ACCESS_TABLE_NAME"])).create_tenant("demo", "Demo Ltd")
        # Rules that fire on every update and whose condition never holds: each is evaluated, none acts.
        commands = [
            NewRule(name=f"rule {n}", trigger="OnCaseUpdate", condition={"type": "containsAny", "phrases": [f"never said {n}"]}, actions=[{"type": "addTags", "tags": ["x"]}])
            for n in range(scenario.rules)
        ]
        load_rules(RuleRepository(Table(TEST_ENVIRONMENT["CASES_TABLE_NAME"])), "demo", commands)
        subscriptions = SubscriptionRepository(Table(TEST_ENVIRONMENT["NOTIFICATIONS_TABLE_NAME"]))
        for n in range(scenario.subscriptions):
            subscription = Subscription(
                subscription_id=f"sub-{n}",
                tenant_id="demo",
                target=EmailTarget(type="email", address=f"team{n}@example.com"),
                events=["CASE.UPDATED"],
                filter=SubscriptionFilter(queues=[f"queue-{n}"]),  # another queue's: matched, never sent
                created_at="2026-11-01T00:00:00Z",
                created_by="bench",
            )
            subscriptions.add(StoredSubscription(subscription, None, None))

        handlers, context, agent = _handlers(), FakeLambdaContext(), ApiClient()
        agent.create_customer({"customerId": "cust-bench", "name": "Bench Customer"})

        def deliver(details: list[dict], meter: ReadMeter | None = None) -> None:
            for consumer, handler in handlers.items():
                if meter:
                    meter.consumer = consumer
                for detail in details:  # one event per batch: reads per event, not per batch
                    with redirect_stdout(io.StringIO()):  # the handlers' metric lines
                        result = handler(sqs_batch(detail), context)
                    assert result == {"batchItemFailures": []}, (consumer, result)
                if meter:
                    meter.consumer = None

        def new_case() -> tuple[str, int]:
            created = agent.create_case({"title": "Card blocked abroad", "customerId": "cust-bench", "queue": "general", "priority": "low"})
            assert created.status == 201, created.body
            return created.body["caseId"], 1

        def change(case: tuple[str, int], body: dict) -> tuple[tuple[str, int], dict]:
            case_id, version = case
            patched = agent.patch_case(case_id, body, f'"{version}"')
            assert patched.status == 200, patched.body
            return (case_id, patched.body["version"]), published_detail(case_id, version=patched.body["version"])

        def round_of_events(case: tuple[str, int], n: int, status_offset: int = 0) -> tuple[tuple[str, int], list[dict]]:
            """A priority change (may assign an SLA), a status change (a metrics fact) and a task."""
            case, priority = change(case, {"priority": ("urgent", "low")[n % 2]})
            case, status = change(case, {"status": ("in_progress", "pending_customer")[(n + status_offset) % 2]})
            return case, [priority, status, task_created(case[0], f"2026-11-{10 + n:02d}T09:00:00Z")]

        # The case's history: alternating status changes, each seen by the metrics consumer (a fact each).
        case = new_case()
        history = [published_detail(case[0], version=1)]
        for n in range(scenario.history - 1):
            case, detail = change(case, {"status": ("in_progress", "pending_customer")[n % 2]})
            history.append(detail)
        with redirect_stdout(io.StringIO()):
            for detail in history:
                handlers["metrics"](sqs_batch(detail), context)

        warm_case, warm_up = round_of_events(new_case(), 0)
        deliver(warm_up)  # a warm instance: its per-tenant caches hold the tenant
        measured: list[dict] = []
        for n in range(rounds):
            case, events = round_of_events(case, n, status_offset=(scenario.history - 1) % 2)
            measured.extend(events)
        with ReadMeter() as meter:
            deliver(measured, meter)
        count = len(measured)
        return (
            {c: meter.calls[c] / count for c in CONSUMERS},
            {c: meter.units[c] / count for c in CONSUMERS},
            {c: meter.by_operation[c] for c in CONSUMERS},
        )


def _config_path(name: str):
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "config" / name


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3, help="measured rounds of (priority change, status change, task) per scenario")
    rounds = parser.parse_args().rounds
    results = {scenario: run(scenario, rounds) for scenario in SCENARIOS}

    print(f"\nDynamoDB reads per consumer event, warm instance, {rounds * 3} events per scenario (moto in process)\n")
    header = f"{'scenario':<52}" + "".join(f"{c:>22}" for c in CONSUMERS)
    print(header)
    print(f"{'':<52}" + "".join(f"{'reads / RCU':>22}" for _ in CONSUMERS))
    for scenario, (calls, units, _) in results.items():
        print(f"{scenario.name:<52}" + "".join(f"{f'{calls[c]:.2f} / {units[c]:.2f}':>22}" for c in CONSUMERS))
    base_calls, base_units, _ = results[BASELINE]
    print("\nratios to the baseline (reads / RCU); goal 1.00")
    for scenario, (calls, units, _) in results.items():
        if scenario is BASELINE:
            continue
        print(f"{scenario.name:<52}" + "".join(f"{f'{_ratio(calls[c], base_calls[c])} / {_ratio(units[c], base_units[c])}':>22}" for c in CONSUMERS))
    print("\noperations per scenario and consumer (measured events)")
    for scenario, (_, _, operations) in results.items():
        print(f"  {scenario.name}: " + "; ".join(f"{c} {dict(operations[c])}" for c in CONSUMERS))


def _ratio(value: float, base: float) -> str:
    if base == 0:
        return "1.00" if value == 0 else "inf"
    return f"{value / base:.2f}"


if __name__ == "__main__":
    main()
