"""Metric aggregates, case facts and consumed-event markers in DynamoDB.

A case's metrics inputs live in its own partition: one small item per fact (written once) and a
`STATE` item (a bounded summary of the facts, what the case contributes so far, and a revision).
An event that arrives in version order reads the state alone (one Query of at most two small
items, whatever the case's history); a late one reads every fact (one Query of the partition).
Cases counted before facts had items of their own keep their single `FACTS` item: it is read as
their facts (and, until they have a state, as their state) and never written again.

An event is applied by one TransactWriteItems: its marker (only if absent), the case's state (only
if unchanged since it was read: its revision), its fact, and an ADD per aggregate it changes, in
the shard partition its event id picks (keys.METRIC_SHARDS). A redelivery finds the marker and
changes nothing; a concurrent change of the same case makes the caller re-read and recompute.

The aggregates are read one range Query per shard (per page), and summed by the caller: a report
through today (the dashboard's) makes METRIC_SHARDS + 1 Queries (the one more is the retired
unsharded partition the migration empties), one of a past range twice that (days, then gauges),
however many cases the tenant has.
"""

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from casetrail.domain.errors import ConcurrentChange
from casetrail.domain.metrics import COUNTERS, CURRENT, Contribution, by_bucket
from casetrail.retention import DEDUPE_RETENTION_SECONDS  # past any redelivery and archive replay
from casetrail.store import keys
from casetrail.store.dynamo import ConditionFailed, Table, deserialize, serialize

_RETIRED_SHARD_ATTRIBUTE = "shard"  # on an aggregate of the retired design whose sort key ends with its shard
_KEY_ATTRIBUTES = frozenset({"pk", "sk", _RETIRED_SHARD_ATTRIBUTE})
_COUNTER_NAMES = (*COUNTERS, "openCases")  # every counter an aggregate item may hold
_REREADS = 5  # an aggregate the old code is still adding to is moved on a fresh read this often


class FactsChanged(Exception):
    """The case's facts changed between reading and writing them: read and compute again."""


@dataclass
class CaseState:
    summary: dict[str, Any] | None = None  # None: not known without reading the facts
    applied: Contribution = field(default_factory=Counter)
    revision: int = 0  # 0: no state item yet
    has_facts: bool = False  # facts were recorded (in items, or in the single item of before)


class MetricsRepository:
    def __init__(self, table: Table):
        self._table = table

    def case_state(self, tenant_id: str, case_id: str) -> CaseState:
        """The case's state: one strongly consistent Query for the sort keys "FACTS".."STATE", which
        holds the state and the single facts item of before, and none of the fact items ("FACT#...")."""
        state_key = keys.metrics_case_state_item(tenant_id, case_id)
        single_key = keys.metrics_case_item(tenant_id, case_id)
        items = self._all_pages(
            {
                "TableName": self._table.name,
                "KeyConditionExpression": "pk = :pk AND sk BETWEEN :single AND :state",
                "ExpressionAttributeValues": {":pk": {"S": state_key["pk"]}, ":single": {"S": single_key["sk"]}, ":state": {"S": state_key["sk"]}},
                "ConsistentRead": True,  # the revision the transaction then conditions on
            }
        )
        state = next((i for i in items if i["sk"] == state_key["sk"]), None)
        single = next((i for i in items if i["sk"] == single_key["sk"]), None)
        if state is not None:
            return CaseState(summary=state["summary"], applied=_applied(state), revision=int(state["revision"]), has_facts=True)
        if single is not None:  # counted before: the facts are known, their summary must be computed
            return CaseState(applied=_applied(single), has_facts=True)
        return CaseState()

    def case_facts(self, tenant_id: str, case_id: str) -> list[dict]:
        """Every fact of the case, in version order: its fact items and the single item of before."""
        items = self._all_pages(
            {
                "TableName": self._table.name,
                "KeyConditionExpression": "pk = :pk",
                "ExpressionAttributeValues": {":pk": {"S": keys.metrics_case_partition(tenant_id, case_id)}},
                "ConsistentRead": True,
            }
        )
        facts = {(f["v"], f["kind"]): f for i in items for f in ([i["fact"]] if "fact" in i else i.get("facts", []))}
        return [facts[k] for k in sorted(facts)]

    def apply_case_event(
        self, tenant_id: str, case_id: str, event_id: str, fact: dict, before: CaseState, after: CaseState, delta: Contribution
    ) -> bool:
        """Stores the event's fact, the case's new state and adds the delta; False when the event
        was already applied."""
        state = {
            **keys.metrics_case_state_item(tenant_id, case_id),
            "summary": after.summary,
            "applied": [[*k, v] for k, v in sorted(after.applied.items())],
            "revision": before.revision + 1,
        }
        condition = (
            {"ConditionExpression": "attribute_not_exists(pk)"}
            if before.revision == 0
            else {"ConditionExpression": "revision = :revision", "ExpressionAttributeValues": {":revision": {"N": str(before.revision)}}}
        )
        fact_item = {**keys.metrics_fact_item(tenant_id, case_id, fact["v"], fact["kind"]), "fact": fact}
        try:
            self._table.transact(
                [
                    self._marker(tenant_id, event_id),
                    {"Put": {"Item": serialize(state), **condition}},
                    {"Put": {"Item": serialize(fact_item)}},
                    *self._adds(tenant_id, event_id, delta),
                ]
            )
        except ConditionFailed as failure:
            if 0 in failure.failed_indexes:
                return False
            raise FactsChanged() from failure
        return True

    def forget_case(self, tenant_id: str, case_id: str, event_id: str, before: CaseState, delta: Contribution) -> bool:
        """Deletes a deleted case's facts and state and adds the delta, once (False: already done).
        The fact items go first (idempotent deletes, any number of them), then one transaction:
        the marker, the state (unchanged since read) and the delta."""
        state_key = keys.metrics_case_state_item(tenant_id, case_id)
        items = self._all_pages(
            {
                "TableName": self._table.name,
                "KeyConditionExpression": "pk = :pk",
                "ExpressionAttributeValues": {":pk": {"S": state_key["pk"]}},
                "ProjectionExpression": "pk, sk",
            }
        )
        facts = [{"pk": i["pk"], "sk": i["sk"]} for i in items if i["sk"] != state_key["sk"]]
        for start in range(0, len(facts), 25):  # BatchWriteItem's limit
            pending = {self._table.name: [{"DeleteRequest": {"Key": serialize(key)}} for key in facts[start : start + 25]]}
            while pending:  # what DynamoDB left unprocessed (throttling) is sent again
                pending = self._table.client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
        delete = []
        if before.revision:
            delete = [
                {
                    "Delete": {
                        "Key": serialize(state_key),
                        "ConditionExpression": "revision = :revision",
                        "ExpressionAttributeValues": {":revision": {"N": str(before.revision)}},
                    }
                }
            ]
        try:
            self._table.transact([self._marker(tenant_id, event_id), *delete, *self._adds(tenant_id, event_id, delta)])
        except ConditionFailed as failure:
            if 0 in failure.failed_indexes:
                return False
            raise FactsChanged() from failure
        return True

    def apply_event(self, tenant_id: str, event_id: str, delta: Contribution) -> bool:
        """Adds an event's contribution once; False when the event was already applied."""
        try:
            self._table.transact([self._marker(tenant_id, event_id), *self._adds(tenant_id, event_id, delta)])
        except ConditionFailed:
            return False
        return True

    def day_items(self, tenant_id: str, dimension: str, start: str, end: str) -> list[dict[str, Any]]:
        """The aggregate items of the days start..end (inclusive) in one dimension, every shard's
        (up to METRIC_SHARDS per day and group value): one key-range Query per partition."""
        return self._aggregates(tenant_id, dimension, "sk BETWEEN :start AND :end", {":start": {"S": f"{start}#"}, ":end": {"S": f"{end}#\uffff"}})

    def open_case_gauges(self, tenant_id: str, dimension: str) -> list[dict[str, Any]]:
        """The open-case gauge items of one dimension, every shard's (one Query per partition)."""
        return self._aggregates(tenant_id, dimension, "begins_with(sk, :current)", {":current": {"S": f"{CURRENT}#"}})

    def range_and_gauges(self, tenant_id: str, dimension: str, start: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """(the aggregate items of the days from start on, the open-case gauge items) of one
        dimension, every shard's, with one Query per partition: the gauges' sort keys (`current#`)
        sort after every day's, so the key range from `start` to them holds both. For a range that
        runs through today: no day after it has items yet (the caller drops any a clock ahead wrote)."""
        items = self._aggregates(tenant_id, dimension, "sk BETWEEN :start AND :end", {":start": {"S": f"{start}#"}, ":end": {"S": f"{CURRENT}#\uffff"}})
        return [i for i in items if i["period"] != CURRENT], [i for i in items if i["period"] == CURRENT]

    def retired_aggregates_page(self, tenant_id: str, dimension: str, limit: int, start_key: dict | None = None) -> tuple[list[dict[str, Any]], dict | None]:
        """A page of the aggregate items the design before wrote in the dimension's one partition
        (for the migration; strongly consistent: what it moves must be what is there)."""
        request: dict[str, Any] = {
            "TableName": self._table.name,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": keys.retired_metrics_partition(tenant_id, dimension)}},
            "ConsistentRead": True,
            "Limit": limit,
        }
        if start_key:
            request["ExclusiveStartKey"] = start_key
        response = self._table.client.query(**request)
        return [deserialize(i) for i in response.get("Items", [])], response.get("LastEvaluatedKey")

    def move_retired_aggregate(self, tenant_id: str, dimension: str, item: dict[str, Any]) -> bool:
        """Adds an aggregate item of the design before into its shard's partition and deletes it, in
        one transaction conditional on the item still holding the counters read: moved exactly once
        (a re-run finds it gone; an item the old code added to meanwhile is read again). False when
        it was gone already (moved by an earlier run) or kept changing."""
        for _ in range(_REREADS):
            if item is None:
                return False
            period, value = _period_and_value(item)
            counters = {name: int(amount) for name, amount in item.items() if name not in _KEY_ATTRIBUTES}
            # The shard it had (any shard would do: a report sums them all), or one its key picks.
            shard = int(item[_RETIRED_SHARD_ATTRIBUTE]) % keys.METRIC_SHARDS if _RETIRED_SHARD_ATTRIBUTE in item else keys.counter_shard(item["sk"], keys.METRIC_SHARDS)
            absent = [name for name in _COUNTER_NAMES if name not in counters]  # an ADD may create one meanwhile
            names = {f"#c{i}": name for i, name in enumerate([*counters, *absent])}
            amounts = {f":a{i}": {"N": str(amount)} for i, amount in enumerate(counters.values())}
            unchanged = " AND ".join(
                ["attribute_exists(pk)", *(f"#c{i} = :a{i}" for i in range(len(counters))), *(f"attribute_not_exists(#c{len(counters) + i})" for i in range(len(absent)))]
            )
            delete = {"Delete": {"Key": serialize({"pk": item["pk"], "sk": item["sk"]}), "ConditionExpression": unchanged, "ExpressionAttributeNames": names}}
            if amounts:
                delete["Delete"]["ExpressionAttributeValues"] = amounts
            operations = [delete]
            if counters:
                operations.append(self._add(keys.metrics_bucket_item(tenant_id, dimension, period, value, shard), counters))
            try:
                self._table.transact(operations)
                return True
            except ConditionFailed:
                item = self._table.get({"pk": item["pk"], "sk": item["sk"]})  # gone, or added to meanwhile
            except ConcurrentChange:
                pass  # nothing was written: the same move again
        return False

    def _aggregates(self, tenant_id: str, dimension: str, sort_condition: str, values: dict) -> list[dict[str, Any]]:
        """The dimension's aggregate items the sort condition selects, from every partition they may be in."""
        return [_bucket(item) for partition in _aggregate_partitions(tenant_id, dimension) for item in self._query(partition, sort_condition, values)]

    def _query(self, partition: str, sort_condition: str, values: dict) -> list[dict[str, Any]]:
        request = {
            "TableName": self._table.name,
            "KeyConditionExpression": f"pk = :pk AND {sort_condition}",
            "ExpressionAttributeValues": {":pk": {"S": partition}, **values},
        }
        return self._all_pages(request)

    def _all_pages(self, request: dict[str, Any]) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        while True:
            response = self._table.client.query(**request)
            items.extend(deserialize(i) for i in response.get("Items", []))
            if "LastEvaluatedKey" not in response:
                return items
            request["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def _marker(self, tenant_id: str, event_id: str) -> dict[str, Any]:
        item = {**keys.metrics_event_item(tenant_id, event_id), "expiresAt": int(time.time()) + DEDUPE_RETENTION_SECONDS}
        return {"Put": {"Item": serialize(item), "ConditionExpression": "attribute_not_exists(pk)"}}

    def _adds(self, tenant_id: str, event_id: str, delta: Contribution) -> list[dict[str, Any]]:
        shard = keys.counter_shard(event_id, keys.METRIC_SHARDS)
        return [
            self._add(keys.metrics_bucket_item(tenant_id, dimension, period, value, shard), counters)
            for (dimension, period, value), counters in sorted(by_bucket(delta).items())
        ]

    @staticmethod
    def _add(key: dict[str, str], counters: dict[str, int]) -> dict[str, Any]:
        return {
            "Update": {
                "Key": serialize(key),
                "UpdateExpression": "ADD " + ", ".join(f"#c{i} :a{i}" for i in range(len(counters))),
                "ExpressionAttributeNames": {f"#c{i}": name for i, name in enumerate(counters)},
                "ExpressionAttributeValues": {f":a{i}": {"N": str(amount)} for i, amount in enumerate(counters.values())},
            }
        }


def _applied(item: dict[str, Any]) -> Contribution:
    return Counter({tuple(entry[:4]): int(entry[4]) for entry in item.get("applied", [])})


def _aggregate_partitions(tenant_id: str, dimension: str) -> list[str]:
    """Where a report reads a dimension's aggregates: each shard's partition, then, while an upgraded
    deployment's `casetrail-admin migrate` may still be moving them out of it, the retired one.
    Each item is in exactly one of them at any moment (a move is one transaction), and a move
    between two of a report's Queries can only make that one report miss it (the shards are read
    first), never count it twice. Once every deployment has run the migration, drop the retired
    partition from this list (2 Queries per report; it then answers nothing)."""
    return [*(keys.metrics_partition(tenant_id, dimension, shard) for shard in range(keys.METRIC_SHARDS)), keys.retired_metrics_partition(tenant_id, dimension)]


def _bucket(item: dict[str, Any]) -> dict[str, Any]:
    period, value = _period_and_value(item)
    return {**item, "period": period, "value": value}


def _period_and_value(item: dict[str, Any]) -> tuple[str, str]:
    """(period, group value) of an aggregate item, from its sort key `<period>#<value>` (a category
    may itself hold a '#'); the retired design's sharded items end with `#<shard>` after it."""
    period, value = item["sk"].split("#", 1)
    return period, (value.rsplit("#", 1)[0] if _RETIRED_SHARD_ATTRIBUTE in item else value)
