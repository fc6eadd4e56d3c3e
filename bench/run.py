"""Benchmark: DynamoDB calls per request and time per request for creating and reading a case,
relative to a bare boto3 put_item/get_item on the same emulation (moto, in process, with its
transactions patched as in the runner: local/moto_transactions.py). Figures are ratios from one run:
this machine is noisy.

    make bench            (or: python -m bench.run --requests 100)
"""

import json
import os

from bench.harness import emulated_casetrail, measure, requests_from_command_line
from tests.conftest import load_event
from tests.lambda_context import FakeLambdaContext


def main() -> None:
    requests = requests_from_command_line(default=100)
    with emulated_casetrail() as client:
        rows = _run(client, requests)
    baseline = {"POST": rows[0][1], "GET": rows[1][1]}
    print(f"\n{requests} requests each, moto in process, median per request\n")
    print(f"{'operation':32} {'ms':>7} {'x bare':>7}  DynamoDB calls per request")
    for name, median, per_request in rows:
        base = baseline["GET"] if ("GET" in name or "get" in name) else baseline["POST"]
        print(f"{name:32} {median * 1000:7.2f} {median / base:7.1f}  {per_request}")


def _run(client, requests: int) -> list[tuple[str, float, dict]]:
    from casetrail.handlers.api import handler

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
    case_id = create(-1_000, False)
    get_event["path"] = f"/cases/{case_id}"

    def get(_: int) -> None:
        assert handler(get_event, context)["statusCode"] == 200

    # A table of its own for the baseline, so the measured requests run on the same cases table
    # whatever the baseline writes.
    bare_table = os.environ["ACCESS_TABLE_NAME"]

    def bare_put(i: int) -> None:
        client.put_item(TableName=bare_table, Item={"pk": {"S": f"bench#{i}"}, "sk": {"S": "x"}, "v": {"S": "y" * 400}})

    def bare_get(i: int) -> None:
        client.get_item(TableName=bare_table, Key={"pk": {"S": f"bench#{i}"}, "sk": {"S": "x"}})

    return [
        (name, *measure(function, requests, warm_up=10))
        for name, function in [
            ("bare put_item", bare_put),
            ("bare get_item", bare_get),
            ("POST /cases", lambda i: create(i, False)),
            ("POST /cases + Idempotency-Key", lambda i: create(i, True)),
            ("GET /cases/{id}", get),
        ]
    ]


if __name__ == "__main__":
    main()
