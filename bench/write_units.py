"""Benchmark: DynamoDB write units per case lifecycle, counted exactly from the items written.

The lifecycle (issue #13): a case created, 5 updates, 10 timeline items (a chat contact with its
transcript, 8 comments, a custom item), 2 tasks (each created and completed), and every event it
publishes delivered to every consumer that subscribes to it (and the events those publish, until
none is left). It runs through the real API handler and consumers on moto in process.

Every write call is intercepted: the item's image before and after is read back, and priced as
DynamoDB does (developer guide, "Capacity unit consumption"):
- base table: 1 unit per started KB of the larger of the two images (attribute names included,
  store/item_sizes.py), 1 for a delete of nothing; twice that inside TransactWriteItems, where a
  ConditionCheck costs as a write of the checked item;
- each global secondary index: a write only when the item has the index's keys and its index entry
  (the index's projection: keys, included attributes or all) changed; a moved index key is a delete
  of the old entry plus a put of the new; index writes are not doubled by transactions.

"Before" is the same lifecycle on the code of BASELINE_COMMIT (the commit #13 was measured on),
checked out from git into a temporary directory and run in a subprocess: one run prints both.

    make bench            (or: python -m bench.write_units [--baseline COMMIT | --no-baseline])
"""

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import botocore.client

REPO = Path(__file__).resolve().parent.parent
BASELINE_COMMIT = "f6abaa6"  # main before #13: 12 cases-table indexes, every one projecting ALL
KB = 1024
TRANSACTIONAL = 2
_WRITES = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"}


class WriteLedger:
    """Write units by (table, where): where is "base" or an index name."""

    def __init__(self, specs_by_name: dict):
        self.specs = specs_by_name
        self.units: dict[tuple[str, str], int] = defaultdict(int)
        self.by_kind: dict[str, int] = defaultdict(int)  # units (base + index) by kind of item
        # units by (table, "base" or index, partition key value): what bench.partitions replays
        self.by_partition: dict[tuple[str, str, str], int] = defaultdict(int)
        self.new_audit_images: list[dict] = []  # inserted audit records: what the stream relays
        self.recording = False

    def price(self, table: str, key: dict, old: dict | None, new: dict | None, transactional: bool, check_only: bool = False) -> None:
        from casetrail.store.item_sizes import item_size

        spec = self.specs[table]
        factor = TRANSACTIONAL if transactional else 1
        size = max(item_size(old) if old else 0, item_size(new) if new else 0)
        kind = f"{spec.logical_id}/{_kind(new or old or {})}"
        base = factor * max(1, math.ceil(size / KB))
        self.units[(spec.logical_id, "base")] += base
        self.by_kind[kind] += base
        # A condition check on an absent item (e.g. no deletion tombstone) is billed all the same.
        self.by_partition[(spec.logical_id, "base", key[spec.partition_key]["S"])] += base
        if check_only:
            return
        for index in spec.indexes:
            for partition, units in _index_writes(spec, index, old, new):
                self.units[(spec.logical_id, index.name)] += units
                self.by_kind[kind] += units
                self.by_partition[(spec.logical_id, index.name, partition)] += units
        if spec.stream and new is not None and old is None and new.get("entity", {}).get("S") == "AUDIT":
            self.new_audit_images.append(new)


def _kind(image: dict) -> str:
    sort_key = next((v["S"] for k, v in image.items() if k == "sk"), None)
    return (sort_key or "item").split("#")[0]


def _index_entry(spec, index, image: dict | None) -> dict | None:
    if image is None or index.partition_key not in image or index.sort_key not in image:
        return None  # sparse: the item is not in this index
    projection = getattr(index, "projection", "ALL")  # the baseline's IndexSpec has no projection
    if projection == "ALL":
        return image
    kept = {spec.partition_key, spec.sort_key, index.partition_key, index.sort_key}
    if projection == "INCLUDE":
        kept |= set(index.included)
    return {name: value for name, value in image.items() if name in kept}


def _index_writes(spec, index, old: dict | None, new: dict | None) -> list[tuple[str, int]]:
    """The index writes of one item write: [(index partition, units)]."""
    from casetrail.store.item_sizes import item_size

    before, after = _index_entry(spec, index, old), _index_entry(spec, index, new)

    def write(entry: dict) -> tuple[str, int]:
        return entry[index.partition_key]["S"], max(1, math.ceil(item_size(entry) / KB))

    if before is None and after is None:
        return []
    if before is None:
        return [write(after)]
    if after is None:
        return [write(before)]
    keys_of = lambda entry: (entry[index.partition_key], entry[index.sort_key])  # noqa: E731
    if keys_of(before) != keys_of(after):
        return [write(before), write(after)]  # a moved key: delete the old entry, put the new one
    if before == after:
        return []
    larger = max(write(before)[1], write(after)[1])
    return [(write(after)[0], larger)]


def _key_of(spec, item: dict) -> dict:
    return {name: item[name] for name in (spec.partition_key, spec.sort_key) if name}


def install(ledger: WriteLedger):
    original = botocore.client.BaseClient._make_api_call

    def read(client, table: str, key: dict) -> dict | None:
        return original(client, "GetItem", {"TableName": table, "Key": key, "ConsistentRead": True}).get("Item")

    def recording_call(client, operation, params):
        if not ledger.recording or client.meta.service_model.service_name != "dynamodb" or operation not in _WRITES:
            return original(client, operation, params)
        targets = []  # (table, key, transactional, check_only)
        if operation == "TransactWriteItems":
            for entry in params["TransactItems"]:
                ((kind, body),) = entry.items()
                table = body["TableName"]
                key = _key_of(ledger.specs[table], body["Item"]) if kind == "Put" else body["Key"]
                targets.append((table, key, True, kind == "ConditionCheck"))
        elif operation == "BatchWriteItem":
            for table, requests in params["RequestItems"].items():
                for request in requests:
                    put = request.get("PutRequest")
                    key = _key_of(ledger.specs[table], put["Item"]) if put else request["DeleteRequest"]["Key"]
                    targets.append((table, key, False, False))
        else:
            table = params["TableName"]
            key = _key_of(ledger.specs[table], params["Item"]) if operation == "PutItem" else params["Key"]
            targets.append((table, key, False, False))
        before = [read(client, table, key) for table, key, _, _ in targets]
        response = original(client, operation, params)  # a refused write raises: nothing written, nothing priced
        for (table, key, transactional, check_only), old in zip(targets, before, strict=True):
            ledger.price(table, key, old, old if check_only else read(client, table, key), transactional, check_only)
        return response

    botocore.client.BaseClient._make_api_call = recording_call
    return lambda: setattr(botocore.client.BaseClient, "_make_api_call", original)


# --- the lifecycle --------------------------------------------------------------------------

SLA_POLICIES = {"policies": [{"name": "resolve-high", "priority": "high", "targetMinutes": 480}]}
RULE = {"name": "Card cases to cards", "trigger": "OnCaseCreate", "condition": {"type": "containsAny", "phrases": ["card"]}, "actions": [{"type": "setCategory", "category": "cards"}]}
TRANSCRIPT = " ".join(f"[{i:02d}] Customer: my card was declined abroad, can you check? Agent: let me look at the account." for i in range(20))


QUEUE = "card-disputes"


def lifecycle(ledger: WriteLedger, relay) -> dict[str, list[str]]:
    """Runs the lifecycle; returns the identifiers it used, by kind (bench.partitions needs them)."""
    from tests.integration.api_client import ApiClient

    agent = ApiClient()

    def ok(response, status=(200, 201)):
        assert response.status in status, (response.status, response.body)
        relay()
        return response.body

    case = ok(agent.create_case({
        "title": "Card declined abroad",
        "description": "The customer's debit card is declined at every shop in Lisbon since Monday.",
        "customerId": "cust-1",
        "priority": "high",
        "tags": ["card", "travel"],
    }))
    case_id = case["caseId"]

    def update(body: dict) -> None:
        current = agent.get_case(case_id).body
        ok(agent.patch_case(case_id, body, f'"{current["version"]}"'))

    update({"status": "in_progress", "assignee": "me"})
    update({"queue": QUEUE})
    ok(agent.add_related_item(case_id, "contact", {"contactId": "chat-771", "channel": "CHAT", "direction": "INBOUND", "initiatedAt": "2026-11-25T09:00:00Z", "transcript": TRANSCRIPT}))
    for i in range(8):
        ok(agent.add_related_item(case_id, "comment", {"body": f"Note {i + 1}: checked the card's authorisations with the issuer, waiting for their answer."}))
    ok(agent.add_related_item(case_id, "custom", {"values": {"crmTicket": "T-1771"}}))
    task_ids = []
    for name in ("Call the issuer", "Send the replacement card form"):
        task = ok(agent.create_task({"name": name, "queue": QUEUE}, case_id=case_id))
        task_ids.append(task["taskId"])
        ok(agent.patch_task(task["taskId"], {"status": "done"}, f'"{task["version"]}"'))
    update({"priority": "urgent"})
    update({"status": "pending_customer"})
    update({"status": "resolved"})
    return {"case": [case_id, *task_ids, case["referenceNumber"], "chat-771"], "assignee": [agent.authorizer["principalId"]], "queue": [QUEUE], "customer": ["cust-1"]}


# The cases-table indexes the search port replaces (issue #13, scale-search): measured without them
# while they are still declared here, as the case item then carries no keys of theirs.
SEARCH_REPLACED = ("byTenant", "byStatus", "byTemplate", "byCategory", "byPriority", "byUpdated")


def without_search_replaced_indexes() -> list[str]:
    from casetrail.store.tables import CASES_TABLE

    dropped = [index.name for index in CASES_TABLE.indexes if index.name in SEARCH_REPLACED]
    kept = tuple(index for index in CASES_TABLE.indexes if index.name not in SEARCH_REPLACED)
    object.__setattr__(CASES_TABLE, "indexes", kept)  # a frozen spec: changed for this process only
    return dropped


def measure() -> dict[str, int]:
    """Runs the lifecycle on a fresh emulation; {"<table>/<base|index>": units, "kind:<item kind>": units}."""
    ledger, _ = run_lifecycle()
    figures = {f"{table}/{where}": units for (table, where), units in sorted(ledger.units.items()) if units}
    return figures | {f"kind:{kind}": units for kind, units in sorted(ledger.by_kind.items())}


def run_lifecycle() -> tuple[WriteLedger, dict]:
    """The lifecycle on a fresh emulation: the ledger of its writes, and the identifiers it used."""
    import boto3
    from moto import mock_aws

    from bench.harness import emulated_casetrail
    from casetrail.settings import get_settings
    from casetrail.store.access import AccessRepository
    from casetrail.store.dynamo import Table
    from casetrail.store.tables import ALL_TABLES
    from casetrail.topology import EVENT_CONSUMERS
    from tests.conftest import TEST_ENVIRONMENT
    from tests.integration.api_client import ApiClient
    from tests.integration.test_billing import sqs_batch
    from tests.lambda_context import FakeLambdaContext

    os.environ["SLA_CONFIGURATION"] = json.dumps(SLA_POLICIES)
    ledger = WriteLedger({TEST_ENVIRONMENT[spec.env_var]: spec for spec in ALL_TABLES})
    with emulated_casetrail(), mock_aws():
        boto3.client("s3").create_bucket(Bucket=TEST_ENVIRONMENT["EVENT_DETAILS_BUCKET_NAME"])
        os.environ["NOTIFICATION_TOPIC_ARN"] = boto3.client("sns").create_topic(Name="bench")["TopicArn"]
        os.environ["SIGNING_KEY_ID"] = boto3.client("kms").create_key()["KeyMetadata"]["KeyId"]
        get_settings.cache_clear()
        AccessRepository(Table(TEST_ENVIRONMENT["ACCESS_TABLE_NAME"])).create_tenant("demo", "Demo Ltd")
        supervisor = ApiClient(principal_id="p-demo-supervisor", name="Sam Supervisor", role="supervisor")
        assert supervisor.request("create_rule", body=RULE).status == 201
        assert ApiClient().create_customer({"customerId": "cust-1", "name": "Customer 1"}).status == 201
        handlers = [(c.event_types, _handler(c.handler)) for c in EVENT_CONSUMERS]

        def relay() -> None:
            """The stream publisher and the bus: each new audit record to each consumer of its type."""
            try:
                from casetrail.store.outbox import event_detail_from_stream_image
            except ImportError:  # the baseline's code (before #13) kept it beside the cases
                from casetrail.store.cases import event_detail_from_stream_image

            while ledger.new_audit_images:
                detail = event_detail_from_stream_image(ledger.new_audit_images.pop(0))
                for event_types, handler in handlers:
                    if not event_types or detail["eventType"] in event_types:
                        result = handler(sqs_batch(detail), FakeLambdaContext())
                        assert not result["batchItemFailures"], (detail["eventType"], result)

        uninstall = install(ledger)
        ledger.recording = True
        try:
            identifiers = lifecycle(ledger, relay)
        finally:
            uninstall()
    return ledger, identifiers


def _handler(path: str):
    import importlib

    module, name = path.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


def measure_baseline(commit: str, script: str = __file__, options: tuple[str, ...] = ("--no-baseline",)) -> dict | list | None:
    """A benchmark's figures on `commit`'s code: `script` run with --json --keep-indexes in a
    subprocess, against that commit's files (git archive into a temporary directory)."""
    with tempfile.TemporaryDirectory(prefix="casetrail-baseline-") as checkout:
        archive = subprocess.run(["git", "-C", str(REPO), "archive", commit, "functions", "tests", "local", "events", "bench"], capture_output=True)
        if archive.returncode != 0:
            print(f"(no baseline: git cannot read {commit}: {archive.stderr.decode().strip()})")
            return None
        subprocess.run(["tar", "-x", "-C", checkout], input=archive.stdout, check=True)
        # This tree's benchmark modules, run on that commit's Casetrail.
        for module in ("write_units.py", "partitions.py"):
            (Path(checkout) / "bench" / module).write_text((REPO / "bench" / module).read_text())
        environment = {**os.environ, "PYTHONPATH": f"{checkout}/functions:{checkout}"}
        command = [sys.executable, "-W", "ignore", "-m", f"bench.{Path(script).stem}", "--json", "--keep-indexes", *options]
        run = subprocess.run(command, cwd=checkout, env=environment, capture_output=True, text=True)
        if run.returncode != 0:
            print(f"(no baseline: the lifecycle failed on {commit}: {run.stderr.strip()[-500:]})")
            return None
        return json.loads(run.stdout.strip().splitlines()[-1])


def report(after: dict[str, int], before: dict[str, int] | None) -> None:
    kinds_after = {k[5:]: v for k, v in after.items() if k.startswith("kind:")}
    kinds_before = {k[5:]: v for k, v in (before or {}).items() if k.startswith("kind:")}
    after = {k: v for k, v in after.items() if not k.startswith("kind:")}
    before = {k: v for k, v in before.items() if not k.startswith("kind:")} if before else None

    def split(figures: dict[str, int]) -> tuple[int, int]:
        base = sum(v for k, v in figures.items() if k.endswith("/base"))
        return base, sum(figures.values()) - base

    print("\nWrite units per case lifecycle (create, 5 updates, 10 timeline items, 2 tasks, every consumer)\n")
    print(f"{'table/where':34} {'before':>7} {'after':>7}")
    for name in sorted(set(after) | set(before or {})):
        print(f"{name:34} {(before or {}).get(name, ''):>7} {after.get(name, 0):>7}")
    print(f"\n{'by kind of item (base + index)':34} {'before':>7} {'after':>7}")
    for name in sorted(set(kinds_after) | set(kinds_before)):
        print(f"{name:34} {kinds_before.get(name, ''):>7} {kinds_after.get(name, 0):>7}")
    base, index = split(after)
    line = f"\ntotal: {base + index} write units ({base} base table, {index} index)"
    if before:
        old_base, old_index = split(before)
        line += f"; before: {old_base + old_index} ({old_base} base, {old_index} index): {(base + index) / (old_base + old_index):.2f}×"
    print(line)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", default=BASELINE_COMMIT, help="the commit to compare with")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON line")
    parser.add_argument("--keep-indexes", action="store_true", help="measure with the indexes search replaces")
    parser.add_argument("--without-slas", action="store_true", help="no SLA policy: the case never gets an SLA")
    arguments = parser.parse_args()
    if arguments.without_slas:
        SLA_POLICIES["policies"] = []
    dropped = [] if arguments.keep_indexes else without_search_replaced_indexes()
    after = measure()
    if arguments.json:
        print(json.dumps(after))
        return
    options = ("--no-baseline", "--without-slas") if arguments.without_slas else ("--no-baseline",)
    report(after, None if arguments.no_baseline else measure_baseline(arguments.baseline, __file__, options))
    if dropped:
        print(f"(after: without the indexes the search port replaces, still declared here: {', '.join(dropped)})")


if __name__ == "__main__":
    main()
