"""Benchmark: one timeline page (10 items, newest first) on a case with 10 items vs one with
5,000, through the real API handler on moto in process. Printed as a ratio with the DynamoDB
calls per request: a page must cost one Query whatever the timeline's length. Times are moto's
(in process, on a shared machine): the call count is the figure that carries over to DynamoDB.

    python -m bench.timeline --requests 50
"""

import json
import os
from datetime import UTC, datetime, timedelta

from bench.harness import emulated_casetrail, measure, requests_from_command_line
from tests.conftest import load_event
from tests.lambda_context import FakeLambdaContext


def main() -> None:
    requests = requests_from_command_line(default=50)
    with emulated_casetrail() as client:
        rows = _run(client, requests)
    print(f"\n{requests} timeline pages of 10 each, moto in process, median per request\n")
    for items, median, per_request in rows:
        print(f"{items:>6} items on the case  {median * 1000:7.2f} ms  {per_request}")
    print(f"\nratio 5,000 / 10 items: {rows[1][1] / rows[0][1]:.2f}")


def _run(client, requests: int) -> list[tuple[int, float, dict]]:
    from casetrail.domain.events import PerformedBy
    from casetrail.domain.related_items import RelatedItem, RelatedItemType
    from casetrail.handlers.api import handler
    from casetrail.store.dynamo import Table
    from casetrail.store.timeline import TimelineRepository

    context = FakeLambdaContext()
    assert handler(load_event("api/create_customer.json"), context)["statusCode"] == 201
    create_event = load_event("api/create_case.json")
    for headers in (create_event["headers"], create_event["multiValueHeaders"]):
        headers.pop("Idempotency-Key")

    table_name = os.environ["CASES_TABLE_NAME"]
    timeline = TimelineRepository(Table(table_name))
    author = PerformedBy(principal_id="p-bench", name="Bench", role="agent")
    start = datetime(2026, 1, 1, tzinfo=UTC)

    def case_with(items: int) -> str:
        case_id = json.loads(handler(json.loads(json.dumps(create_event)), context)["body"])["caseId"]
        # Seeded straight into the table with the store's own item shapes: 5,000 API calls would
        # measure moto's transactions, not the read.
        for i in range(items):
            item = RelatedItem(
                related_item_id=f"item-{i:05d}", case_id=case_id, tenant_id="demo", type=RelatedItemType.COMMENT,
                content={"body": f"note {i}", "internal": True}, created_at=start + timedelta(seconds=i), created_by=author,
            )
            for operation in timeline.put_operations(item):
                client.put_item(TableName=table_name, **operation["Put"])
        return case_id

    page_event = load_event("api/case_timeline.json")
    rows = []
    for items in (10, 5_000):
        case_id = case_with(items)
        event = json.loads(json.dumps(page_event))
        event["path"] = f"/cases/{case_id}/timeline"
        # The same page size on both cases, so both answers carry the same ten items' worth of bytes.
        event["queryStringParameters"] = {"limit": "10"}
        event["multiValueQueryStringParameters"] = {"limit": ["10"]}

        def page(_: int) -> None:
            response = handler(event, context)
            assert response["statusCode"] == 200 and len(json.loads(response["body"])["items"]) == 10

        rows.append((items, *measure(page, requests)))
    return rows


if __name__ == "__main__":
    main()
