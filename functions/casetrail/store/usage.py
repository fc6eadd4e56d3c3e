"""Usage records, monthly counters and tenant pricing in DynamoDB.

A unit is metered by one TransactWriteItems: its usage record (only if absent) and an ADD to one
shard of the month's counter (keys.USAGE_COUNTER_SHARDS, chosen by the event). A redelivered event
finds the record present, so the whole transaction is refused and the counter cannot count it
twice. The month's counts are the sum of its shards: one Query.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from casetrail.domain.billing import Pricing, UnitKind, UsageRecord
from casetrail.domain.errors import InvalidRequest
from casetrail.store import keys
from casetrail.store.dynamo import ConditionFailed, InvalidPageToken, Table, serialize

_COUNTER_ATTRIBUTE = {UnitKind.CASE: "cases", UnitKind.TASK: "tasks"}


@dataclass(frozen=True)
class UsagePage:
    items: list[UsageRecord]
    next_token: str | None


@dataclass(frozen=True)
class MonthCounts:
    cases: int
    tasks: int


class UsageRepository:
    def __init__(self, table: Table):
        self._table = table

    def meter(self, tenant_id: str, record: UsageRecord) -> bool:
        """Records a unit and counts it; False when it was already metered (nothing changes)."""
        key = keys.usage_record_item(tenant_id, record.month, record.created_at.isoformat(), record.kind.value, record.unit_id)
        try:
            self._table.transact(
                [
                    {
                        "Put": {
                            "Item": serialize({**key, **record.to_wire()}),
                            "ConditionExpression": "attribute_not_exists(pk)",
                        }
                    },
                    {
                        "Update": {
                            "Key": serialize(keys.usage_counter_item(tenant_id, record.month, keys.counter_shard(record.event_id, keys.USAGE_COUNTER_SHARDS))),
                            "UpdateExpression": "ADD #count :one",
                            "ExpressionAttributeNames": {"#count": _COUNTER_ATTRIBUTE[record.kind]},
                            "ExpressionAttributeValues": {":one": {"N": "1"}},
                        }
                    },
                ]
            )
            return True
        except ConditionFailed:
            return False

    def counts(self, tenant_id: str, month: str) -> MonthCounts:
        shards = self._table.query_page(
            partition_value=keys.usage_month_partition(tenant_id, month), sort_prefix=("sk", keys.USAGE_COUNTER_PREFIX), limit=100
        ).items  # the shards and the single counter item of months metered before them: a few small items
        return MonthCounts(cases=sum(i.get("cases", 0) for i in shards), tasks=sum(i.get("tasks", 0) for i in shards))

    def records(self, tenant_id: str, month: str, *, limit: int, next_token: str | None = None) -> UsagePage:
        try:
            page = self._table.query_page(
                partition_value=keys.usage_month_partition(tenant_id, month),
                sort_prefix=("sk", keys.USAGE_RECORD_PREFIX),
                limit=limit,
                page_token=next_token,
            )
        except InvalidPageToken as error:
            raise InvalidRequest("nextToken is not a token this query returned") from error
        return UsagePage(items=[_record(i) for i in page.items], next_token=page.next_token)

    def metered_case_ids(self, tenant_id: str, month: str) -> Iterator[str]:
        token = None
        while True:
            page = self.records(tenant_id, month, limit=1000, next_token=token)
            yield from (r.case_id for r in page.items if r.kind is UnitKind.CASE)
            token = page.next_token
            if not token:
                return

    def pricing(self, tenant_id: str) -> Pricing | None:
        """The tenant's own pricing, if an admin set one."""
        item = self._table.get(keys.tenant_pricing_item(tenant_id))
        return Pricing.model_validate(item["pricing"]) if item else None

    def set_pricing(self, tenant_id: str, pricing: Pricing | None) -> None:
        key = keys.tenant_pricing_item(tenant_id)
        if pricing is None:
            self._table.client.delete_item(TableName=self._table.name, Key=serialize(key))
            return
        # Stored as strings: a price must come back exactly as it was set.
        self._table.client.put_item(
            TableName=self._table.name, Item=serialize({**key, "pricing": pricing.model_dump(by_alias=True, mode="json")})
        )


def _record(item: dict) -> UsageRecord:
    return UsageRecord.model_validate(item)  # the key attributes are ignored
