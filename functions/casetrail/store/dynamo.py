"""A thin wrapper over the DynamoDB client: (de)serialisation, transactions and pagination tokens.

The low-level client is used (not boto3's resource layer) because TransactWriteItems only exists
there and the client is cheaper to create on a cold start.
"""

import time
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.config import Config
from botocore.exceptions import ClientError

from casetrail.domain.errors import ConcurrentChange
from casetrail.store import page_tokens
from casetrail.store.page_tokens import InvalidPageToken  # noqa: F401  (raised by query_page)
from casetrail.store.item_sizes import DYNAMODB_ITEM_LIMIT, require_within

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


class ConditionFailed(Exception):
    """A conditional write (or one write of a transaction) found the item not as expected."""

    def __init__(self, failed_indexes: list[int]):
        super().__init__(f"condition failed for transaction items {failed_indexes}")
        self.failed_indexes = failed_indexes


# BatchGetItem calls for one page before giving up on keys DynamoDB keeps leaving unprocessed.
_BATCH_ATTEMPTS = 5

# The cancellation reason DynamoDB gives a transaction that raced another writer of one of its items.
TRANSACTION_CONFLICT = "TransactionConflict"


@cache
def dynamodb_client():
    # Short timeouts and standard retries: a Connect flow gives up after 8 s.
    return boto3.client(
        "dynamodb",
        config=Config(connect_timeout=2, read_timeout=3, retries={"mode": "standard", "max_attempts": 3}),
    )


def serialize(item: dict[str, Any]) -> dict[str, Any]:
    return {k: _serializer.serialize(_to_dynamo(v)) for k, v in item.items() if v is not None}


def _fitting(item: dict[str, Any]) -> dict[str, Any]:
    """The item, once checked against DynamoDB's item limit: refused here with a clear 413 (and
    nothing written) rather than by DynamoDB with a ValidationException, a 500."""
    record = f"{item.get('entity', {}).get('S', 'item').lower().replace('_', ' ')} record"
    require_within(item, DYNAMODB_ITEM_LIMIT, record)
    return item


def deserialize(item: dict[str, Any]) -> dict[str, Any]:
    return {k: _from_dynamo(_deserializer.deserialize(v)) for k, v in item.items()}


def _to_dynamo(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: _to_dynamo(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_dynamo(v) for v in value]
    return value


def _from_dynamo(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _from_dynamo(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_dynamo(v) for v in value]
    if isinstance(value, set):
        return sorted(_from_dynamo(v) for v in value)
    return value


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    next_token: str | None


class Table:
    def __init__(self, name: str, client=None):
        self.name = name
        self._client = client or dynamodb_client()

    @property
    def client(self):
        return self._client

    def get(self, key: dict[str, str], consistent: bool = True) -> dict[str, Any] | None:
        response = self._client.get_item(TableName=self.name, Key=serialize(key), ConsistentRead=consistent)
        item = response.get("Item")
        return deserialize(item) if item else None

    def put(self, item: dict[str, Any]) -> None:
        self._client.put_item(TableName=self.name, Item=_fitting(serialize(item)))

    def put_if_absent(self, item: dict[str, Any]) -> bool:
        try:
            self._client.put_item(
                TableName=self.name, Item=_fitting(serialize(item)), ConditionExpression="attribute_not_exists(pk)"
            )
            return True
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise

    def add_to_counter(self, key: dict[str, str], attribute: str, amount: int = 1) -> int:
        response = self._client.update_item(
            TableName=self.name,
            Key=serialize(key),
            UpdateExpression="ADD #counter :amount",
            ExpressionAttributeNames={"#counter": attribute},
            ExpressionAttributeValues={":amount": {"N": str(amount)}},
            ReturnValues="UPDATED_NEW",
        )
        return int(response["Attributes"][attribute]["N"])

    def transact(self, operations: list[dict[str, Any]]) -> None:
        """Runs TransactWriteItems; operations are in the client's wire format, and those without a
        TableName are on this table (an operation on another table names it, so one transaction
        can span tables). Raises ConditionFailed naming the failed items, and ConcurrentChange when
        DynamoDB cancelled it because another request was writing one of its items at that moment
        (a TransactionConflict: nothing was written, the same transaction may succeed again)."""
        items = []
        for operation in operations:
            ((kind, body),) = operation.items()
            if kind == "Put":
                _fitting(body["Item"])
            items.append({kind: {"TableName": self.name, **body}})
        try:
            self._client.transact_write_items(TransactItems=items)
        except ClientError as error:
            if error.response["Error"]["Code"] != "TransactionCanceledException":
                raise
            reasons = error.response.get("CancellationReasons", [])
            failed = [i for i, r in enumerate(reasons) if r.get("Code") == "ConditionalCheckFailed"]
            if failed:
                raise ConditionFailed(failed) from error
            if any(r.get("Code") == TRANSACTION_CONFLICT for r in reasons):
                raise ConcurrentChange("another request changed the same item at the same moment: try again") from error
            raise

    def transact_put_new(self, items: Iterable[dict[str, Any]]) -> None:
        self.transact(
            [{"Put": {"Item": serialize(i), "ConditionExpression": "attribute_not_exists(pk)"}} for i in items]
        )

    def transact_set(self, item_keys: Iterable[dict[str, str]], values: dict[str, Any]) -> None:
        names = {f"#a{i}": name for i, name in enumerate(values)}
        expression_values = {f":v{i}": _serializer.serialize(_to_dynamo(v)) for i, v in enumerate(values.values())}
        update = "SET " + ", ".join(f"#a{i} = :v{i}" for i in range(len(values)))
        self.transact(
            [
                {
                    "Update": {
                        "Key": serialize(key),
                        "UpdateExpression": update,
                        "ConditionExpression": "attribute_exists(pk)",
                        "ExpressionAttributeNames": names,
                        "ExpressionAttributeValues": expression_values,
                    }
                }
                for key in item_keys
            ]
        )

    def query_page(
        self,
        *,
        partition_attribute: str = "pk",
        partition_value: str,
        index: str | None = None,
        sort_prefix: tuple[str, str] | None = None,
        sort_below: tuple[str, str] | None = None,
        newest_first: bool = False,
        limit: int = 50,
        page_token: str | None = None,
        filter_equals: dict[str, str] | None = None,
        sort_between: tuple[str, str | None, str | None] | None = None,
        filter_contains: dict[str, str] | None = None,
    ) -> Page:
        names = {"#pk": partition_attribute}
        values: dict[str, Any] = {":pk": {"S": partition_value}}
        condition = "#pk = :pk"
        if sort_prefix:
            sort_attribute, prefix = sort_prefix
            names["#sk"] = sort_attribute
            values[":prefix"] = {"S": prefix}
            condition += " AND begins_with(#sk, :prefix)"
        if sort_below:
            sort_attribute, bound = sort_below
            names["#sk"] = sort_attribute
            values[":below"] = {"S": bound}
            condition += " AND #sk < :below"
        if sort_between and (sort_between[1] or sort_between[2]):
            sort_attribute, low, high = sort_between
            names["#sk"] = sort_attribute
            values.update({k: {"S": v} for k, v in ((":low", low), (":high", high)) if v})
            condition += {
                (True, True): " AND #sk BETWEEN :low AND :high",
                (True, False): " AND #sk >= :low",
                (False, True): " AND #sk <= :high",
            }[(bool(low), bool(high))]
        request: dict[str, Any] = {
            "TableName": self.name,
            "KeyConditionExpression": condition,
            "ExpressionAttributeNames": names,
            "ScanIndexForward": not newest_first,
            "Limit": limit,
        }
        clauses = []
        for i, (attribute, value) in enumerate((filter_equals or {}).items()):
            names[f"#f{i}"] = attribute
            values[f":f{i}"] = {"S": value}
            clauses.append(f"#f{i} = :f{i}")
        for i, (attribute, value) in enumerate((filter_contains or {}).items()):
            names[f"#c{i}"] = attribute
            values[f":c{i}"] = {"S": value}
            clauses.append(f"contains(#c{i}, :c{i})")
        if clauses:
            request["FilterExpression"] = " AND ".join(clauses)
        request["ExpressionAttributeValues"] = values
        if index:
            request["IndexName"] = index
        # The query a token continues: it only ever resumes this table, index and partition.
        query = f"{self.name}\n{index or ''}\n{partition_value}"
        if page_token:
            request["ExclusiveStartKey"] = page_tokens.decode(page_token, query=query)
        response = self._client.query(**request)
        return Page(
            items=[deserialize(i) for i in response.get("Items", [])],
            next_token=page_tokens.encode(response.get("LastEvaluatedKey"), query=query),
        )

    def query_items_page(self, *, key_names: tuple[str, str] = ("pk", "sk"), filter_equals: dict[str, str] | None = None, filter_contains: dict[str, str] | None = None, **query: Any) -> Page:
        """A page of a KEYS_ONLY index read as whole items: one Query of the index, then one
        BatchGetItem of that page's keys, in the index's order. The filters apply to the items
        read, as a FilterExpression would (after Limit: a page may be short, its token still
        continues), since the index holds no attribute to filter on."""
        page = self.query_page(**query)
        items = self.batch_get([{name: entry[name] for name in key_names} for entry in page.items])
        kept = [
            item
            for item in items
            if all(item.get(name) == value for name, value in (filter_equals or {}).items())
            and all(value in (item.get(name) or ()) for name, value in (filter_contains or {}).items())
        ]
        return Page(items=kept, next_token=page.next_token)

    def batch_get(self, item_keys: list[dict[str, str]]) -> list[dict[str, Any]]:
        """The items of up to 100 keys (one BatchGetItem, plus a retry of any keys DynamoDB leaves
        unprocessed under load), in the order of the keys; a key with no item is left out."""
        if not item_keys:
            return []
        request = {self.name: {"Keys": [serialize(key) for key in item_keys], "ConsistentRead": True}}
        found: dict[tuple, dict[str, Any]] = {}
        for attempt in range(_BATCH_ATTEMPTS):
            response = self._client.batch_get_item(RequestItems=request)
            for item in response.get("Responses", {}).get(self.name, []):
                plain = deserialize(item)
                found[tuple(plain[name] for name in item_keys[0])] = plain
            request = response.get("UnprocessedKeys") or {}
            if not request:
                break
            time.sleep(0.05 * 2**attempt)  # throttled keys: DynamoDB asks for a backoff before asking again
        else:  # as a throttled GetItem would end once botocore's own retries are spent
            raise ClientError({"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "keys left unprocessed"}}, "BatchGetItem")
        return [found[key] for key in (tuple(k[name] for name in item_keys[0]) for k in item_keys) if key in found]

    def query_all(self, *, pk: str) -> list[dict[str, Any]]:
        items, token = [], None
        while True:
            page = self.query_page(partition_value=pk, page_token=token, limit=100)
            items.extend(page.items)
            token = page.next_token
            if not token:
                return items
