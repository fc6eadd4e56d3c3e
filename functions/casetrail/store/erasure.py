"""Deleting a case and erasing a customer in DynamoDB: the only code that knows what a case leaves
where (its partition, its tasks' partitions, lookup keys in other partitions, idempotency records)
and how it is removed.

A deletion is resumable and never shows a half-deleted case as live:
1. mark: the case item gets `deleting` and a new version (so any concurrent writer's conditional
   put fails and, re-reading, finds no case: reads treat a marked case as gone), loses its list-index
   keys, and a "deletion under way" item is written (the retention sweeper finishes what a request
   could not);
2. pages: tasks, then the case's partition, each page one transaction of at most 100 items (DynamoDB's
   limit), which also adds its counts to the case item (the progress survives any interruption);
3. finish: one transaction deletes the case item and its reference-number key, writes the tombstone
   (an audit-entity item: the stream publishes its CASE.DELETED) and the marker consumers check.
"""

from dataclasses import dataclass, field
from typing import Any

from casetrail.domain.errors import VersionConflict
from casetrail.domain.related_items import RelatedItemType
from casetrail.store import keys
from casetrail.store.case_family import child_removed_operations
from casetrail.store.cases import ENTITY_AUDIT
from casetrail.store.dynamo import ConditionFailed, Table, serialize
from casetrail.store.tables import CASES_TABLE

TRANSACTION_LIMIT = 100  # DynamoDB's TransactWriteItems limit
_PAGE_DELETES = TRANSACTION_LIMIT - 1  # one slot for the progress counters on the case item
_TASKS_PER_PAGE = 10
_REMOVED_PREFIX = "removed_"  # one numeric attribute per kind: ADD cannot create a nested map key
# Indexes share key attributes (e.g. the creation-ordered lists' sort key), and an update may name each once.
_CASE_INDEX_ATTRIBUTES = list(dict.fromkeys(name for index in CASES_TABLE.indexes for name in (index.partition_key, index.sort_key)))

ENTITY_MARKER = "FORGOTTEN"
ENTITY_DELETION = "DELETION_UNDER_WAY"
ENTITY_ERASURE_JOB = "CUSTOMER_ERASURE"
ENTITY_RETENTION = "RETENTION_POLICY"
ENTITY_IDEMPOTENCY_POINTER = "IDEMPOTENCY_POINTER"

# What each kind of item in a case's partition counts as in the report.
_KIND_OF_ENTITY = {
    "RELATED_ITEM": "timelineItems",
    ENTITY_AUDIT: "auditRecords",
    "RELATED_ITEM_POINTER": "lookupKeys",
    "CASE_CHILD": "lookupKeys",
    ENTITY_IDEMPOTENCY_POINTER: "lookupKeys",
}


@dataclass
class Page:
    """One page of a deletion: the keys to delete (with their table; None = the cases table), the
    S3 objects to remove first, and what it counts."""

    deletes: list[tuple[str | None, dict[str, str]]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, key: dict[str, str], table: str | None = None) -> None:
        self.deletes.append((table, key))
        self.counts[kind] = self.counts.get(kind, 0) + 1


class ForgottenCases:
    """The markers of deleted cases, as every event consumer checks them (one GetItem per event)."""

    def __init__(self, erasure: Table):
        self._erasure = erasure

    def case(self, tenant_id: str, case_id: str) -> bool:
        return self._erasure.get(keys.forgotten_case_item(tenant_id, case_id)) is not None


class ErasureRepository:
    def __init__(self, cases: Table, tasks: Table, erasure: Table, idempotency_table_name: str | None = None):
        self._cases = cases
        self._tasks = tasks
        self._erasure = erasure
        self._idempotency_table_name = idempotency_table_name

    # --- markers -------------------------------------------------------------------------

    def forgotten(self, tenant_id: str, case_id: str) -> dict[str, Any] | None:
        """The marker of a deleted case (with what its deletion removed), or None."""
        return self._erasure.get(keys.forgotten_case_item(tenant_id, case_id), consistent=False)

    def case_record(self, tenant_id: str, case_id: str) -> dict[str, Any] | None:
        """The case item as stored, a case being deleted included."""
        return self._cases.get(keys.case_item(tenant_id, case_id))

    @staticmethod
    def removed_so_far(case_record: dict[str, Any]) -> dict[str, int]:
        return {name.removeprefix(_REMOVED_PREFIX): int(value) for name, value in case_record.items() if name.startswith(_REMOVED_PREFIX) and value}

    # --- 1. mark -------------------------------------------------------------------------

    def mark_deleting(self, tenant_id: str, case_id: str, *, read_version: int, deleting: dict[str, Any]) -> None:
        """Hides the case from every read and list, and from every writer that read it before."""
        under_way = {**keys.deletion_under_way_item(tenant_id, case_id), "entity": ENTITY_DELETION, "tenantId": tenant_id, "caseId": case_id}
        try:
            self._cases.transact(
                [
                    {
                        "Update": {
                            "Key": serialize(keys.case_item(tenant_id, case_id)),
                            "UpdateExpression": "SET deleting = :deleting, version = version + :one REMOVE "
                            + ", ".join(f"#i{i}" for i in range(len(_CASE_INDEX_ATTRIBUTES))),
                            "ConditionExpression": "attribute_exists(pk) AND attribute_not_exists(deleting) AND version = :read",
                            "ExpressionAttributeNames": {f"#i{i}": name for i, name in enumerate(_CASE_INDEX_ATTRIBUTES)},
                            "ExpressionAttributeValues": {
                                ":deleting": serialize({"d": deleting})["d"],
                                ":one": {"N": "1"},
                                ":read": {"N": str(read_version)},
                            },
                        }
                    },
                    {"Put": {"TableName": self._erasure.name, "Item": serialize(under_way)}},
                ]
            )
        except ConditionFailed as error:
            raise VersionConflict(f"case {case_id} changed since it was read", details={"caseId": case_id}) from error

    # --- 2. pages ------------------------------------------------------------------------

    def next_page(self, tenant_id: str, case_id: str) -> Page | None:
        """The next page to delete: the case's tasks first, then its partition; None when only the
        case item itself is left."""
        tasks = self._tasks.query_page(
            partition_attribute="byCasepk", partition_value=keys.case_tasks_partition(tenant_id, case_id), index="byCase", limit=_TASKS_PER_PAGE
        )
        page = Page()
        for task in tasks.items:
            task_key = keys.task_item(tenant_id, task["taskId"])
            records = self._tasks.query_page(partition_value=task_key["pk"], limit=_PAGE_DELETES - len(page.deletes))
            for record in records.items:
                if record["sk"] != task_key["sk"]:
                    page.add("taskRecords", {"pk": record["pk"], "sk": record["sk"]}, self._tasks.name)
            # The task item (which puts it in the case's task index) goes with its last records, so
            # an interrupted deletion always finds the task again.
            if records.next_token is None:
                page.add("tasks", task_key, self._tasks.name)
            if len(page.deletes) >= _PAGE_DELETES // 2:
                break
        if page.deletes:
            return page
        # Always from the partition's start: what earlier pages read is gone. An item takes up to two
        # deletes (itself and a key elsewhere); what does not fit is the next page's.
        items = self._cases.query_page(partition_value=keys.case_partition(tenant_id, case_id), limit=_PAGE_DELETES).items
        keep = {keys.case_item(tenant_id, case_id)["sk"], keys.case_tombstone_item(tenant_id, case_id)["sk"]}
        for item in items:
            if len(page.deletes) + 2 > _PAGE_DELETES:
                break
            if item["sk"] not in keep:
                self._add_partition_item(page, tenant_id, case_id, item)
        return page if page.deletes else None

    def _add_partition_item(self, page: Page, tenant_id: str, case_id: str, item: dict[str, Any]) -> None:
        entity = item.get("entity", "")
        page.add(_KIND_OF_ENTITY.get(entity, "otherRecords"), {"pk": item["pk"], "sk": item["sk"]})
        if entity == "RELATED_ITEM" and item.get("type") == RelatedItemType.CONTACT.value:
            page.add("contactLinks", keys.contact_case_link(tenant_id, item["content"]["contactId"], case_id, item["relatedItemId"]))
        if entity == "RELATED_ITEM" and item.get("type") == RelatedItemType.FILE.value:
            page.files.append(keys.file_object_key(tenant_id, case_id, item["relatedItemId"]))
            page.counts["files"] = page.counts.get("files", 0) + 1
        if entity == ENTITY_IDEMPOTENCY_POINTER and self._idempotency_table_name:
            page.add("idempotencyRecords", {"id": item["recordId"]}, self._idempotency_table_name)

    def commit_page(self, tenant_id: str, case_id: str, page: Page) -> None:
        """Deletes the page's items and adds its counts to the case item, in one transaction."""
        counts = {kind: n for kind, n in page.counts.items() if n}
        names = {f"#k{i}": f"{_REMOVED_PREFIX}{kind}" for i, kind in enumerate(counts)}
        values = {f":n{i}": {"N": str(n)} for i, n in enumerate(counts.values())}
        progress = {
            "Update": {
                "Key": serialize(keys.case_item(tenant_id, case_id)),
                "UpdateExpression": "ADD " + ", ".join(f"#k{i} :n{i}" for i in range(len(counts))),
                "ConditionExpression": "attribute_exists(deleting)",
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": values,
            }
        }
        deletes = [{"Delete": {"Key": serialize(key), **({"TableName": table} if table else {})}} for table, key in page.deletes]
        self._cases.transact([*deletes, progress])

    # --- 3. finish -----------------------------------------------------------------------

    def finish(self, case_record: dict[str, Any], tombstone_detail: dict[str, Any], marker: dict[str, Any]) -> None:
        tenant_id, case_id = case_record["tenantId"], case_record["caseId"]
        operations: list[dict[str, Any]] = [
            {"Delete": {"Key": serialize(keys.case_item(tenant_id, case_id)), "ConditionExpression": "attribute_exists(deleting)"}},
            {"Delete": {"Key": serialize(keys.reference_item(tenant_id, case_record["referenceNumber"]))}},
            {"Put": {"Item": serialize({**keys.case_tombstone_item(tenant_id, case_id), "entity": ENTITY_AUDIT, "change": tombstone_detail})}},
            {"Put": {"TableName": self._erasure.name, "Item": serialize({**keys.forgotten_case_item(tenant_id, case_id), "entity": ENTITY_MARKER, **marker})}},
            {"Delete": {"TableName": self._erasure.name, "Key": serialize(keys.deletion_under_way_item(tenant_id, case_id))}},
        ]
        parent = case_record.get("parentCaseId")
        if parent and self._cases.get(keys.case_children_rollup_item(tenant_id, parent)):
            operations.extend(child_removed_operations(tenant_id, parent, case_id, case_record["status"]))
        self._cases.transact(operations)

    def deletions_under_way(self, limit: int) -> list[tuple[str, str]]:
        page = self._erasure.query_page(partition_value=keys.DELETIONS_UNDER_WAY, limit=limit)
        return [(item["tenantId"], item["caseId"]) for item in page.items]

    def abandon_under_way(self, tenant_id: str, case_id: str) -> None:
        """A deletion under way whose case is gone already (finished by another run)."""
        self._erasure.client.delete_item(TableName=self._erasure.name, Key=serialize(keys.deletion_under_way_item(tenant_id, case_id)))

    # --- customers -----------------------------------------------------------------------

    def customer_case_ids(self, tenant_id: str, customer_id: str, limit: int) -> list[str]:
        """A page of the customer's cases (the byCustomer index); deleted ones drop out of it."""
        partition = keys.case_list_partitions(tenant_id, customer_id=customer_id)["byCustomer"]
        page = self._cases.query_page(partition_attribute="byCustomerpk", partition_value=partition, index="byCustomer", limit=limit)
        return [keys.case_id_in(tenant_id, item["pk"]) for item in page.items]  # the index holds keys only

    def customer_record(self, tenant_id: str, customer_id: str) -> dict[str, Any] | None:
        return self._cases.get(keys.customer_item(tenant_id, customer_id))

    def erase_customer_record(self, tenant_id: str, customer_id: str, lookup_keys: list[dict[str, str]], tombstone_detail: dict[str, Any]) -> None:
        """The customer item and its phone/email lookup keys go; a tombstone (CUSTOMER.ERASED) stays."""
        self._cases.transact(
            [
                {"Delete": {"Key": serialize(keys.customer_item(tenant_id, customer_id))}},
                *({"Delete": {"Key": serialize(key)}} for key in lookup_keys),
                {
                    "Put": {
                        "Item": serialize({**keys.customer_tombstone_item(tenant_id, customer_id), "entity": ENTITY_AUDIT, "change": tombstone_detail}),
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
            ]
        )

    def erasure_job(self, tenant_id: str, customer_id: str) -> dict[str, Any] | None:
        return self._erasure.get(keys.customer_erasure_item(tenant_id, customer_id))

    def save_erasure_job(self, tenant_id: str, customer_id: str, job: dict[str, Any]) -> None:
        self._erasure.put({**keys.customer_erasure_item(tenant_id, customer_id), "entity": ENTITY_ERASURE_JOB, **job})

    # --- retention -----------------------------------------------------------------------

    def retention_days(self, tenant_id: str) -> int | None:
        item = self._erasure.get(keys.retention_policy_item(tenant_id))
        return int(item["closedCaseDays"]) if item else None

    def set_retention_days(self, tenant_id: str, days: int | None) -> None:
        if days is None:
            self._erasure.client.delete_item(TableName=self._erasure.name, Key=serialize(keys.retention_policy_item(tenant_id)))
        else:
            self._erasure.put({**keys.retention_policy_item(tenant_id), "entity": ENTITY_RETENTION, "tenantId": tenant_id, "closedCaseDays": days})

    def retention_policies(self) -> list[tuple[str, int]]:
        """(tenant, days) of every tenant with a retention period: one partition, read by the sweeper only."""
        items, token = [], None
        while True:
            page = self._erasure.query_page(partition_value=keys.RETENTION_POLICIES, limit=100, page_token=token)
            items.extend((item["tenantId"], int(item["closedCaseDays"])) for item in page.items)
            token = page.next_token
            if not token:
                return items

    def closed_before(self, tenant_id: str, cutoff: str, limit: int) -> list[str]:
        """Cases of the tenant closed before `cutoff` (sortable time), oldest first: a range of the
        sparse closedAt index, so only what is due is read."""
        page = self._cases.query_page(
            partition_attribute=f"{keys.CLOSED_INDEX}pk",
            partition_value=keys.closed_cases_partition(tenant_id),
            index=keys.CLOSED_INDEX,
            sort_below=(f"{keys.CLOSED_INDEX}sk", cutoff),
            limit=limit,
        )
        return [keys.case_id_in(tenant_id, item["pk"]) for item in page.items]  # the index holds keys only


def remember_idempotency_record(cases: Table, tenant_id: str, case_id: str, record_id: str) -> None:
    pointer = {**keys.case_idempotency_pointer(tenant_id, case_id, record_id), "entity": ENTITY_IDEMPOTENCY_POINTER, "recordId": record_id}
    cases.put(pointer)
