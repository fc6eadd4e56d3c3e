"""Metric aggregates, case facts and consumed-event markers in DynamoDB.

A case's metrics inputs live in its own partition: one small item per fact (written once) and a
state item (what the case contributes so far, and a revision). Both are read by one Query, and an
event writes one fact and the state, never the whole history.

An event is applied by one TransactWriteItems: its marker (only if absent), the case's state (only
if unchanged since it was read: its revision), its new fact, and an ADD per aggregate it changes,
on the aggregate's shard its event id picks (keys.METRIC_SHARDS). A redelivery finds the marker and
changes nothing; a concurrent change of the same case makes the caller re-read and recompute.
"""

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from casetrail.domain.metrics import CURRENT, Contribution, by_bucket
from casetrail.retention import DEDUPE_RETENTION_SECONDS  # past any redelivery and archive replay
from casetrail.store import keys
from casetrail.store.dynamo import ConditionFailed, Table, deserialize, serialize

_SHARD_ATTRIBUTE = "shard"  # on a sharded aggregate item: its sort key ends with the shard


class FactsChanged(Exception):
    """The case's facts changed between reading and writing them: read and compute again."""


@dataclass
class CaseFacts:
    facts: list[dict] = field(default_factory=list)
    applied: Contribution = field(default_factory=Counter)
    revision: int = 0  # 0: no state yet
    stored: frozenset = frozenset()  # (version, kind) of the facts that have their own item
    single_item: bool = False  # read from the case's single facts item of before (replaced on write)


class MetricsRepository:
    def __init__(self, table: Table):
        self._table = table

    def case_facts(self, tenant_id: str, case_id: str) -> CaseFacts:
        items = self._query_partition(keys.metrics_case_partition(tenant_id, case_id))
        state = next((i for i in items if i["sk"] == keys.metrics_case_state_item(tenant_id, case_id)["sk"]), None)
        single = next((i for i in items if i["sk"] == keys.metrics_case_item(tenant_id, case_id)["sk"]), None)
        facts = [i["fact"] for i in items if "fact" in i]
        if state is None and single is not None:
            return CaseFacts(facts=single["facts"], applied=_applied(single), revision=int(single["revision"]), single_item=True)
        if state is None:
            return CaseFacts(facts=facts)
        stored = frozenset((f["v"], f["kind"]) for f in facts)
        return CaseFacts(facts=sorted(facts, key=lambda f: (f["v"], f["kind"])), applied=_applied(state), revision=int(state["revision"]), stored=stored)

    def apply_case_event(
        self, tenant_id: str, case_id: str, event_id: str, before: CaseFacts, after: CaseFacts, delta: Contribution
    ) -> bool:
        """Stores the case's new facts and state and adds the delta; False when the event was already applied."""
        state = {
            **keys.metrics_case_state_item(tenant_id, case_id),
            "applied": [[*k, v] for k, v in sorted(after.applied.items())],
            "revision": before.revision + 1,
        }
        unchanged = {
            "ConditionExpression": "revision = :revision",
            "ExpressionAttributeValues": {":revision": {"N": str(before.revision)}},
        }
        first_state = before.revision == 0 or before.single_item
        new_facts = [f for f in after.facts if (f["v"], f["kind"]) not in before.stored]
        operations = [
            self._marker(tenant_id, event_id),
            {"Put": {"Item": serialize(state), **({"ConditionExpression": "attribute_not_exists(pk)"} if first_state else unchanged)}},
            *({"Put": {"Item": serialize({**keys.metrics_fact_item(tenant_id, case_id, f["v"], f["kind"]), "fact": f})}} for f in new_facts),
            *self._adds(tenant_id, event_id, delta),
        ]
        if before.single_item:  # its facts now have items of their own: the single item goes
            operations.append({"Delete": {"Key": serialize(keys.metrics_case_item(tenant_id, case_id)), **unchanged}})
        try:
            self._table.transact(operations)
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
        """The aggregate items of the days start..end (inclusive) in one dimension: a key range."""
        items = self._query(
            tenant_id,
            dimension,
            "sk BETWEEN :start AND :end",
            {":start": {"S": f"{start}#"}, ":end": {"S": f"{end}#\uffff"}},
        )
        return [{**item, "period": _period_and_value(item)[0], "value": _period_and_value(item)[1]} for item in items]

    def open_cases(self, tenant_id: str, dimension: str) -> dict[str, int]:
        """The open-case gauge per group value, summed over its shards."""
        items = self._query(tenant_id, dimension, "begins_with(sk, :current)", {":current": {"S": f"{CURRENT}#"}})
        gauges: Counter = Counter()
        for item in items:
            gauges[_period_and_value(item)[1]] += int(item.get("openCases", 0))
        return {value: count for value, count in gauges.items() if count}

    def _query(self, tenant_id: str, dimension: str, sort_condition: str, values: dict) -> list[dict[str, Any]]:
        request = {
            "TableName": self._table.name,
            "KeyConditionExpression": f"pk = :pk AND {sort_condition}",
            "ExpressionAttributeValues": {":pk": {"S": keys.metrics_partition(tenant_id, dimension)}, **values},
        }
        return self._all_pages(request)

    def _query_partition(self, partition: str) -> list[dict[str, Any]]:
        request = {
            "TableName": self._table.name,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": partition}},
            "ConsistentRead": True,  # the state a transaction then conditions on
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
        operations = []
        for (dimension, period, value), counters in sorted(by_bucket(delta).items()):
            names = {f"#c{i}": name for i, name in enumerate(counters)} | {"#shard": _SHARD_ATTRIBUTE}
            amounts = {f":a{i}": {"N": str(amount)} for i, amount in enumerate(counters.values())} | {":shard": {"N": str(shard)}}
            operations.append(
                {
                    "Update": {
                        "Key": serialize(keys.metrics_bucket_item(tenant_id, dimension, period, value, shard)),
                        "UpdateExpression": "ADD " + ", ".join(f"#c{i} :a{i}" for i in range(len(counters))) + " SET #shard = :shard",
                        "ExpressionAttributeNames": names,
                        "ExpressionAttributeValues": amounts,
                    }
                }
            )
        return operations


def _applied(item: dict[str, Any]) -> Contribution:
    return Counter({tuple(entry[:4]): int(entry[4]) for entry in item.get("applied", [])})


def _period_and_value(item: dict[str, Any]) -> tuple[str, str]:
    """(period, group value) of an aggregate item, from its sort key: `<period>#<value>`, and
    `#<shard>` after it on a sharded one (a category may itself hold a '#')."""
    period, value = item["sk"].split("#", 1)
    return period, (value.rsplit("#", 1)[0] if _SHARD_ATTRIBUTE in item else value)
