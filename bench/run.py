"""Benchmark: DynamoDB calls per request and time per request for creating and reading a case,
relative to a bare boto3 put_item/get_item on the same emulation (moto, in process). Figures are ratios from one run: this machine is noisy. Note that
moto's TransactWriteItems copies the table, so its create figure grows with the run; DynamoDB's
does not.

    make bench            (or: python -m bench.run --requests 100)
"""

import argparse
import json
import os
import statistics
import time
from collections import Counter
from contextlib import contextmanager

import botocore.client

from tests.conftest import TEST_ENVIRONMENT, load_event
from tests.lambda_context import FakeLambdaContext

calls: Counter = Counter()
_original_api_call = botocore.client.BaseClient._make_api_call


def _counting_api_call(self, operation_name, api_params):
    calls[f"{self.meta.service_model.service_name}.{operation_name}"] += 1
    return _original_api_call(self, operation_name, api_params)


@contextmanager
def counted():
    calls.clear()
    botocore.client.BaseClient._make_api_call = _counting_api_call
    try:
        yield calls
    finally:
        botocore.client.BaseClient._make_api_call = _original_api_call


def timed(function, requests: int) -> float:
    samples = []
    for i in range(requests):
        start = time.perf_counter()
        function(i)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=100)
    requests = parser.parse_args().requests

    from moto import mock_aws

    os.environ.update(TEST_ENVIRONMENT)
    mock = mock_aws()
    mock.start()

    from casetrail.handlers.api import handler
    from casetrail.store.dynamo import dynamodb_client
    from casetrail.store.provisioning import create_tables

    client = dynamodb_client()
    create_tables(client)
    context = FakeLambdaContext()
    create_event = load_event("api/create_case.json")
    get_event = load_event("api/get_case.json")

    def create(i: int, idempotency_key: bool) -> str:
        event = json.loads(json.dumps(create_event))
        for headers in (event["headers"], event["multiValueHeaders"]):
            headers.pop("Idempotency-Key")
        if idempotency_key:
            event["headers"]["Idempotency-Key"] = f"bench-{i}"
            event["multiValueHeaders"]["Idempotency-Key"] = [f"bench-{i}"]
        response = handler(event, context)
        assert response["statusCode"] == 201, response
        return json.loads(response["body"])["caseId"]

    # The sample case names customer cust-0001: it must exist first.
    assert handler(load_event("api/create_customer.json"), context)["statusCode"] == 201
    case_id = create(-1, False)
    get_event["path"] = f"/cases/{case_id}"

    def get(_: int) -> None:
        assert handler(get_event, context)["statusCode"] == 200

    # A table of its own for the baseline: moto copies a table's whole state on every
    # TransactWriteItems, so bare items in the cases table would slow the measured requests.
    bare_table = os.environ["ACCESS_TABLE_NAME"]

    def bare_put(i: int) -> None:
        client.put_item(TableName=bare_table, Item={"pk": {"S": f"bench#{i}"}, "sk": {"S": "x"}, "v": {"S": "y" * 400}})

    def bare_get(i: int) -> None:
        client.get_item(TableName=bare_table, Key={"pk": {"S": f"bench#{i}"}, "sk": {"S": "x"}})

    rows = []
    for name, function in [
        ("bare put_item", bare_put),
        ("bare get_item", bare_get),
        ("POST /cases", lambda i: create(i, False)),
        ("POST /cases + Idempotency-Key", lambda i: create(i, True)),
        ("GET /cases/{id}", get),
    ]:
        timed(function, 10)  # warm up
        with counted() as counter:
            median = timed(function, requests)
            per_request = {k: round(v / requests, 2) for k, v in sorted(counter.items())}
        rows.append((name, median, per_request))

    mock.stop()
    baseline = {"POST": rows[0][1], "GET": rows[1][1]}
    print(f"\n{requests} requests each, moto in process, median per request\n")
    print(f"{'operation':32} {'ms':>7} {'x bare':>7}  DynamoDB calls per request")
    for name, median, per_request in rows:
        base = baseline["GET"] if ("GET" in name or "get" in name) else baseline["POST"]
        print(f"{name:32} {median * 1000:7.2f} {median / base:7.1f}  {per_request}")


if __name__ == "__main__":
    main()
