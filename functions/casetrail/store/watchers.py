"""A case's watchers in DynamoDB: one item per watcher in the case's partition (one query lists them)."""

from datetime import datetime
from typing import Any

from casetrail.domain.model_base import CamelModel
from casetrail.store import keys
from casetrail.store.dynamo import Table, serialize

ENTITY_WATCHER = "CASE_WATCHER"
MAX_WATCHERS = 100  # bounds the one query a notification makes per event


class Watcher(CamelModel):
    principal_id: str
    name: str
    since: datetime


class WatcherRepository:
    def __init__(self, table: Table):
        self._table = table

    def of_case(self, tenant_id: str, case_id: str) -> list[Watcher]:
        page = self._table.query_page(
            partition_value=keys.case_partition(tenant_id, case_id), sort_prefix=("sk", keys.CASE_WATCHER_PREFIX), limit=MAX_WATCHERS
        )
        return [Watcher.model_validate(i) for i in page.items]

    def add(self, tenant_id: str, case_id: str, watcher: Watcher) -> None:
        # Watching again keeps the first `since`: the put only happens when the item is new.
        item = {**keys.case_watcher_item(tenant_id, case_id, watcher.principal_id), "entity": ENTITY_WATCHER, **watcher.to_wire()}
        try:
            self._client.put_item(
                TableName=self._table.name, Item=serialize(item), ConditionExpression="attribute_not_exists(pk)"
            )
        except self._client.exceptions.ConditionalCheckFailedException:
            pass

    def add_operation(self, tenant_id: str, case_id: str, watcher: Watcher) -> dict[str, Any]:
        """Watching as part of another write (a comment mentioning someone): an update that keeps
        the first `since` of a watcher already there, so it never fails the transaction."""
        wire = watcher.to_wire()
        return {
            "Update": {
                "Key": serialize(keys.case_watcher_item(tenant_id, case_id, watcher.principal_id)),
                "UpdateExpression": "SET entity = :entity, principalId = :principal, #name = :name, since = if_not_exists(since, :since)",
                "ExpressionAttributeNames": {"#name": "name"},
                "ExpressionAttributeValues": serialize(
                    {":entity": ENTITY_WATCHER, ":principal": wire["principalId"], ":name": wire["name"], ":since": wire["since"]}
                ),
            }
        }

    def remove(self, tenant_id: str, case_id: str, principal_id: str) -> None:
        self._client.delete_item(TableName=self._table.name, Key=serialize(keys.case_watcher_item(tenant_id, case_id, principal_id)))

    @property
    def _client(self) -> Any:
        return self._table.client

