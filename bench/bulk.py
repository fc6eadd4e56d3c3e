"""Benchmark: one POST /cases/bulk over 100 case ids through the real API handler on moto in
process: the time of the request and the DynamoDB calls per case (each case goes through the
single-item update: the figure that carries over to DynamoDB is the calls per case).

    python -m bench.bulk --requests 3
"""

import json

from bench.harness import emulated_casetrail, measure, requests_from_command_line
from tests.conftest import load_event
from tests.lambda_context import FakeLambdaContext

CASES = 100


def main() -> None:
    requests = requests_from_command_line(default=3)
    with emulated_casetrail():
        median, per_request = _run(requests)
    print(f"\n{requests} bulk changes of {CASES} cases each, moto in process, median per request\n")
    print(f"{median:7.2f} s per request, {median / CASES * 1000:7.1f} ms per case")
    print({call: round(count / CASES, 2) for call, count in per_request.items()}, "calls per case")


def _run(requests: int) -> tuple[float, dict]:
    from casetrail.handlers.api import handler

    context = FakeLambdaContext()
    assert handler(load_event("api/create_customer.json"), context)["statusCode"] == 201
    create_event = load_event("api/create_case.json")
    for headers in (create_event["headers"], create_event["multiValueHeaders"]):
        headers.pop("Idempotency-Key")
    case_ids = [json.loads(handler(json.loads(json.dumps(create_event)), context)["body"])["caseId"] for _ in range(CASES)]
    supervisor = {"principalId": "p-bench-sup", "tenantId": "demo", "name": "Bench", "role": "supervisor"}

    def bulk(i: int) -> None:
        event = load_event("api/create_case.json")
        event["path"] = "/cases/bulk"
        event["pathParameters"] = {"proxy": "cases/bulk"}
        event["requestContext"]["path"] = "/prod/cases/bulk"
        event["requestContext"]["authorizer"] = supervisor
        event["body"] = json.dumps({"caseIds": case_ids, "patch": {"priority": "low" if i % 2 else "high"}})
        answer = handler(event, context)
        assert answer["statusCode"] == 200 and json.loads(answer["body"])["counts"] == {"done": CASES}, answer["body"][:300]

    return measure(bulk, requests, warm_up=1)


if __name__ == "__main__":
    main()
