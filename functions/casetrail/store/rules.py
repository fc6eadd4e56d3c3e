"""Rules, and the records of their application, in the cases table: the only code that knows their keys.

A tenant's rules are one partition (one query lists them all). Applying a rule to an event writes,
in one transaction with the rule's change to the case: a marker (event, rule) created only if
absent, and the outbox items of the events the rule publishes (audit-entity items the stream
publisher relays, outside the case's AUDIT# range so they are not part of its audit trail).
"""

from typing import Any

from botocore.exceptions import ClientError

from casetrail.domain.errors import ConcurrentChange, RuleNotFound, VersionConflict
from casetrail.domain.events import CaseChange
from casetrail.domain.rules import Rule
from casetrail.store import keys
from casetrail.store.cases import ENTITY_AUDIT, CaseRepository
from casetrail.store.dynamo import ConditionFailed, Table, serialize

ENTITY_RULE = "RULE"
ENTITY_RULE_APPLIED = "RULE_APPLIED"


class RuleRepository:
    def __init__(self, table: Table):
        self._table = table

    def add(self, rule: Rule) -> None:
        self._table.transact_put_new([_rule_item(rule)])

    def list_for_tenant(self, tenant_id: str) -> list[Rule]:
        return [Rule.model_validate(i) for i in self._table.query_all(pk=keys.rules_partition(tenant_id))]

    def get(self, tenant_id: str, rule_id: str) -> Rule:
        item = self._table.get(keys.rule_item(tenant_id, rule_id))
        if item is None:
            raise RuleNotFound(f"rule {rule_id} was not found")
        return Rule.model_validate(item)

    def replace(self, rule: Rule) -> None:
        """Stores an edited rule, provided nobody edited it since the version it was read at."""
        try:
            self._table.transact(
                [
                    {
                        "Put": {
                            "Item": serialize(_rule_item(rule)),
                            "ConditionExpression": "version = :read",
                            "ExpressionAttributeValues": {":read": {"N": str(rule.version - 1)}},
                        }
                    }
                ]
            )
        except ConditionFailed as error:
            raise VersionConflict(f"rule {rule.rule_id} changed meanwhile; read it again", details={"ruleId": rule.rule_id}) from error

    def remove(self, tenant_id: str, rule_id: str) -> None:
        try:
            self._table.client.delete_item(
                TableName=self._table.name,
                Key=serialize(keys.rule_item(tenant_id, rule_id)),
                ConditionExpression="attribute_exists(pk)",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                raise RuleNotFound(f"rule {rule_id} was not found") from None
            raise

    # --- application -----------------------------------------------------------------------

    def was_applied(self, tenant_id: str, case_id: str, event_id: str, rule_id: str) -> bool:
        return self._table.get(keys.rule_applied_item(tenant_id, case_id, event_id, rule_id)) is not None

    def record_application(
        self, cases: CaseRepository, *, tenant_id: str, case_id: str, event_id: str, rule_id: str, change: CaseChange | None, events: list[dict[str, Any]]
    ) -> bool:
        """Commits a rule's change to a case (if any), its published events and its marker at once.
        False when the marker exists: this (event, rule) was applied already. A VersionConflict
        means the case moved since it was read."""
        marker = {**keys.rule_applied_item(tenant_id, case_id, event_id, rule_id), "entity": ENTITY_RULE_APPLIED}
        operations = [_put_new(marker)] + [
            _put_new({**keys.rule_event_item(tenant_id, case_id, event_id, rule_id, n), "entity": ENTITY_AUDIT, "change": detail})
            for n, detail in enumerate(events)
        ]
        try:
            if change is None:
                self._table.transact(operations)
            else:
                cases.save(change, also=operations)
            return True
        except (ConditionFailed, VersionConflict, ConcurrentChange):
            if self.was_applied(tenant_id, case_id, event_id, rule_id):
                return False
            if change is None:
                raise VersionConflict(f"rule {rule_id} could not record event {event_id}") from None
            raise


def _rule_item(rule: Rule) -> dict[str, Any]:
    return {**keys.rule_item(rule.tenant_id, rule.rule_id), "entity": ENTITY_RULE, **rule.to_wire()}


def _put_new(item: dict[str, Any]) -> dict[str, Any]:
    return {"Put": {"Item": serialize(item), "ConditionExpression": "attribute_not_exists(pk)"}}
