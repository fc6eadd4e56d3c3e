"""Parent and child cases in DynamoDB: the roll-up a parent shows, kept by its children's writes.

A child's change that moves its status or its parent carries, in the child's own transaction, an
ADD on the parent's roll-up item (one counter per status) and a put of the child's entry in the
parent's partition. So the roll-up is exact at every commit, costs no query per child, and never
touches the parent's case item (whose version a client may hold in If-Match).
"""

from dataclasses import dataclass
from typing import Any

from casetrail.domain.errors import InvalidRequest
from casetrail.domain.events import CaseChange, ChangeType
from casetrail.domain.model_base import CamelModel
from casetrail.domain.statuses import CaseStatus
from casetrail.store import keys
from casetrail.store.dynamo import InvalidPageToken, Table, serialize

ENTITY_CHILD = "CASE_CHILD"
ENTITY_ROLLUP = "CASE_CHILDREN_ROLLUP"
_COUNT_PREFIX = "children_"  # one numeric attribute per status: ADD cannot create a nested map key
_FAMILY_EVENTS = (ChangeType.CASE_CREATED, ChangeType.CASE_UPDATED)


class ChildCase(CamelModel):
    case_id: str
    reference_number: str
    title: str
    status: CaseStatus


@dataclass(frozen=True)
class Children:
    counts: dict[str, int]
    items: list[ChildCase]
    next_token: str | None


@dataclass(frozen=True)
class FamilyOperations:
    operations: list[dict[str, Any]]
    parent_checks: list[int]  # positions (within operations) of the checks on a new parent


def family_operations(changes: list[CaseChange]) -> FamilyOperations:
    """What the roll-ups of the parents involved need for these changes of one case."""
    operations: list[dict[str, Any]] = []
    checks: list[int] = []
    for change in changes:
        if change.event_type not in _FAMILY_EVENTS:
            continue
        case = change.case
        moved = {c.field_id: c for c in change.changes}
        new_parent, new_status = case.parent_case_id, case.status.value
        old_parent = moved["parentCaseId"].old_value if "parentCaseId" in moved else new_parent
        old_status = moved["status"].old_value if "status" in moved else new_status
        if change.event_type is ChangeType.CASE_CREATED:
            old_parent = old_status = None
        if (old_parent, old_status) == (new_parent, new_status) and "title" not in moved:
            continue
        if old_parent and old_parent == new_parent:
            if old_status != new_status:
                operations.append(_count(case.tenant_id, new_parent, {old_status: -1, new_status: 1}))
            operations.append(_put_child(change))
            continue
        if old_parent:
            operations.append(_count(case.tenant_id, old_parent, {old_status: -1}))
            operations.append({"Delete": {"Key": serialize(keys.case_child_item(case.tenant_id, old_parent, case.case_id))}})
        if new_parent:
            checks.append(len(operations))
            operations.append(_parent_check(case.tenant_id, new_parent, case.case_id))
            operations.append(_count(case.tenant_id, new_parent, {new_status: 1}))
            operations.append(_put_child(change))
    return FamilyOperations(operations, checks)


def child_removed_operations(tenant_id: str, parent_case_id: str, child_case_id: str, status: str) -> list[dict[str, Any]]:
    """A deleted child leaves its parent's roll-up and list (store/erasure.py)."""
    update = _count(tenant_id, parent_case_id, {status: -1})
    update["Update"]["ConditionExpression"] = "attribute_exists(pk)"  # never recreate a removed parent's roll-up
    return [update, {"Delete": {"Key": serialize(keys.case_child_item(tenant_id, parent_case_id, child_case_id))}}]


def _count(tenant_id: str, parent_case_id: str, deltas: dict[str, int]) -> dict[str, Any]:
    names = {f"#s{i}": f"{_COUNT_PREFIX}{status}" for i, status in enumerate(deltas)}
    values = {f":d{i}": {"N": str(delta)} for i, delta in enumerate(deltas.values())}
    adds = ", ".join(f"#s{i} :d{i}" for i in range(len(deltas)))
    return {
        "Update": {
            "Key": serialize(keys.case_children_rollup_item(tenant_id, parent_case_id)),
            "UpdateExpression": f"SET entity = :entity ADD {adds}",
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": {**values, ":entity": {"S": ENTITY_ROLLUP}},
        }
    }


def _put_child(change: CaseChange) -> dict[str, Any]:
    case = change.case
    child = ChildCase(case_id=case.case_id, reference_number=case.reference_number, title=case.title, status=case.status)
    item = {**keys.case_child_item(case.tenant_id, case.parent_case_id, case.case_id), "entity": ENTITY_CHILD, **child.to_wire()}
    return {"Put": {"Item": serialize(item)}}


def _parent_check(tenant_id: str, parent_case_id: str, child_case_id: str) -> dict[str, Any]:
    # The parent exists, is not merged away, and is not (any more) a child of this very case: two
    # cases made each other's parent at the same moment cannot both commit.
    return {
        "ConditionCheck": {
            "Key": serialize(keys.case_item(tenant_id, parent_case_id)),
            "ConditionExpression": "attribute_exists(pk) AND attribute_not_exists(mergedInto) "
            "AND (attribute_not_exists(parentCaseId) OR parentCaseId <> :child)",
            "ExpressionAttributeValues": {":child": {"S": child_case_id}},
        }
    }


class FamilyRepository:
    def __init__(self, table: Table):
        self._table = table

    def children(self, tenant_id: str, parent_case_id: str, *, limit: int, next_token: str | None) -> Children:
        """The roll-up (one read) and a page of the children (one query)."""
        rollup = self._table.get(keys.case_children_rollup_item(tenant_id, parent_case_id)) or {}
        counts = {status.value: int(rollup.get(f"{_COUNT_PREFIX}{status.value}", 0)) for status in CaseStatus}
        try:
            page = self._table.query_page(
                partition_value=keys.case_partition(tenant_id, parent_case_id),
                sort_prefix=("sk", keys.CASE_CHILD_PREFIX),
                limit=limit,
                page_token=next_token,
            )
        except InvalidPageToken as error:
            raise InvalidRequest("nextToken is not a token this query returned") from error
        return Children(counts=counts, items=[ChildCase.model_validate(i) for i in page.items], next_token=page.next_token)
