"""Metric aggregates, case facts and consumed-event markers in DynamoDB.

An event is applied by one TransactWriteItems: its marker (only if absent), the case's facts (only
if unchanged since they were read: their revision) and an ADD per aggregate item it changes. A
redelivery finds the marker and changes nothing; a concurrent change of the same case makes the
caller re-read and recompute.
"""

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from casetrail.domain.metrics import CURRENT, Contribution, by_bucket
from casetrail.retention import DEDUPE_RETENTION_SECONDS  # past any redelivery and archive replay
from casetrail.store import keys
from casetrail.store.dynamo import ConditionFailed, Table, deserialize, serialize



class FactsChanged(Exception):
    """The case's facts changed between reading and writing them: read and compute again."""


@dataclass
class CaseFacts:
    facts: list[dict] = field(default_factory=list)
    applied: Contribution = field(default_factory=Counter)
    revision: int = 0  # 0: no item yet


class MetricsRepository:
    def __init__(self, table: Table):
        self._table = table

    def case_facts(self, tenant_id: str, case_id: str) -> CaseFacts:
        item = self._table.get(keys.metrics_case_item(tenant_id, case_id))
        if not item:
            return CaseFacts()
        applied = Counter({tuple(entry[:4]): int(entry[4]) for entry in item.get("applied", [])})
        return CaseFacts(facts=item["facts"], applied=applied, revision=int(item["revision"]))

    def apply_case_event(
        self, tenant_id: str, case_id: str, event_id: str, before: CaseFacts, after: CaseFacts, delta: Contribution
    ) -> bool:
        """Stores the case's new facts and adds the delta; False when the event was already applied."""
        key = keys.metrics_case_item(tenant_id, case_id)
        state = {
            **key,
            "facts": after.facts,
            "applied": [[*k, v] for k, v in sorted(after.applied.items())],
            "revision": before.revision + 1,
        }
        condition = (
            {"ConditionExpression": "attribute_not_exists(pk)"}
            if before.revision == 0
            else {
                "ConditionExpression": "revision = :revision",
                "ExpressionAttributeValues": {":revision": {"N": str(before.revision)}},
            }
        )
        try:
            self._table.transact([self._marker(tenant_id, event_id), {"Put": {"Item": serialize(state), **condition}}, *self._adds(tenant_id, delta)])
        except ConditionFailed as failure:
            if 0 in failure.failed_indexes:
                return False
            raise FactsChanged() from failure
        return True

    def forget_case(self, tenant_id: str, case_id: str, event_id: str, before: CaseFacts, delta: Contribution) -> bool:
        """Deletes a deleted case's facts and adds the delta, once (False: already done)."""
        delete = []
        if before.revision:
            delete = [
                {
                    "Delete": {
                        "Key": serialize(keys.metrics_case_item(tenant_id, case_id)),
                        "ConditionExpression": "revision = :revision",
                        "ExpressionAttributeValues": {":revision": {"N": str(before.revision)}},
                    }
                }
            ]
        try:
            self._table.transact([self._marker(tenant_id, event_id), *delete, *self._adds(tenant_id, delta)])
        except ConditionFailed as failure:
            if 0 in failure.failed_indexes:
                return False
            raise FactsChanged() from failure
        return True

    def apply_event(self, tenant_id: str, event_id: str, delta: Contribution) -> bool:
        """Adds an event's contribution once; False when the event was already applied."""
        try:
            self._table.transact([self._marker(tenant_id, event_id), *self._adds(tenant_id, delta)])
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
        return [{**item, "period": item["sk"].split("#", 1)[0], "value": item["sk"].split("#", 1)[1]} for item in items]

    def open_cases(self, tenant_id: str, dimension: str) -> dict[str, int]:
        items = self._query(tenant_id, dimension, "begins_with(sk, :current)", {":current": {"S": f"{CURRENT}#"}})
        return {item["sk"].split("#", 1)[1]: int(item.get("openCases", 0)) for item in items if item.get("openCases")}

    def _query(self, tenant_id: str, dimension: str, sort_condition: str, values: dict) -> list[dict[str, Any]]:
        request = {
            "TableName": self._table.name,
            "KeyConditionExpression": f"pk = :pk AND {sort_condition}",
            "ExpressionAttributeValues": {":pk": {"S": keys.metrics_partition(tenant_id, dimension)}, **values},
        }
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

    def _adds(self, tenant_id: str, delta: Contribution) -> list[dict[str, Any]]:
        operations = []
        for (dimension, period, value), counters in sorted(by_bucket(delta).items()):
            names = {f"#c{i}": name for i, name in enumerate(counters)}
            amounts = {f":a{i}": {"N": str(amount)} for i, amount in enumerate(counters.values())}
            operations.append(
                {
                    "Update": {
                        "Key": serialize(keys.metrics_bucket_item(tenant_id, dimension, period, value)),
                        "UpdateExpression": "ADD " + ", ".join(f"#c{i} :a{i}" for i in range(len(counters))),
                        "ExpressionAttributeNames": names,
                        "ExpressionAttributeValues": amounts,
                    }
                }
            )
        return operations
