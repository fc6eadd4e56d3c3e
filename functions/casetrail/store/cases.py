"""Cases in DynamoDB: the only code that knows their keys, indexes and expressions.

Every mutation is one TransactWriteItems: the case item (conditional on the version the change was
computed from) and its audit record, which the table's stream turns into the published event.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from casetrail.domain.cases import Case
from casetrail.domain.errors import CaseDeleted, CaseNotFound, InvalidRequest, ParentCycle, UnsupportedFilter, VersionConflict
from casetrail.domain.events import SLA_CHANGE_TYPES, AuditEntry, CaseChange
from casetrail.store import keys
from casetrail.store.case_family import family_operations
from casetrail.store.dynamo import ConditionFailed, InvalidPageToken, Page, Table, serialize
from casetrail.store.item_sizes import CASE_RECORD_BUDGET, require_within
from casetrail.store.outbox import ENTITY_AUDIT
from casetrail.store.case_indexes import queryable, queryable_or_wait
from casetrail.store.tables import CASES_BY_ASSIGNEE, CASES_BY_ASSIGNEE_UPDATED, CASES_BY_CUSTOMER, CASES_BY_QUEUE, CASES_SLA_DUE, CASES_TABLE, PROJECT_ALL, IndexSpec

ENTITY_CASE = "CASE"

# The GET /cases patterns the kept list indexes serve (README "Templates, custom fields and search"):
# one person's, one customer's or one queue's cases, newest first (an assignee's also by last
# change), with an optional range on that order. Every other combination, and free text, is the
# search engine's (service/case_search.py): these indexes are never filtered. While an upgrade has
# not made one queryable yet (store/case_indexes.py), its lists are the search engine's too.
_NARROW_INDEXES = (("customer_id", CASES_BY_CUSTOMER), ("assignee", CASES_BY_ASSIGNEE), ("queue", CASES_BY_QUEUE))
_FILTER_ATTRIBUTES = {
    "customer_id": "customerId",
    "assignee": "assignee",
    "queue": "queue",
    "status": "status",
    "priority": "priority",
    "template_id": "templateId",
    "category": "category",
}
SORT_CREATED = "createdAt"
SORT_UPDATED = "updatedAt"


@dataclass(frozen=True)
class CaseSearch:
    """The filters of GET /cases (equality on case fields; tag = the case has it; time ranges inclusive)."""

    customer_id: str | None = None
    assignee: str | None = None
    queue: str | None = None
    status: str | None = None
    priority: str | None = None
    template_id: str | None = None
    category: str | None = None
    tag: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    updated_from: datetime | None = None
    updated_to: datetime | None = None
    sort: str = SORT_CREATED
    text: str | None = None  # free text (q=): served by the search engine only

    def equalities(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in _FILTER_ATTRIBUTES if getattr(self, name)}


class ReferenceTaken(Exception):
    pass


class CaseExists(Exception):
    """A case with this id exists already: a retried creation whose id was derived, not drawn."""


@dataclass(frozen=True)
class CasePage:
    items: list[Case]
    next_token: str | None


@dataclass(frozen=True)
class AuditPage:
    items: list[AuditEntry]
    next_token: str | None


class CaseRepository:
    def __init__(self, table: Table):
        self._table = table

    @property
    def table(self) -> Table:
        return self._table

    # --- reads -----------------------------------------------------------------------------

    def get(self, tenant_id: str, case_id: str) -> Case:
        item = self._table.get(keys.case_item(tenant_id, case_id))
        if item is None or "deleting" in item:  # a case being deleted is gone already (store/erasure.py)
            raise CaseNotFound(f"case {case_id} was not found")
        return _case_from_item(item)

    def get_by_reference(self, tenant_id: str, reference_number: str) -> Case:
        pointer = self._table.get(keys.reference_item(tenant_id, reference_number))
        if pointer is None:
            raise CaseNotFound(f"no case has reference number {reference_number}")
        return self.get(tenant_id, pointer["caseId"])

    def list_cases(self, tenant_id: str, search: CaseSearch, *, limit: int, next_token: str | None = None) -> CasePage:
        """A kept index's page (only for searches it serves: kept_index_for; else UnsupportedFilter)."""
        declared, index = _kept_index(search), kept_index_for(search)
        if declared is None or index is None:
            raise UnsupportedFilter("this combination of filters is served by the search engine, not by an index")
        low, high = (search.updated_from, search.updated_to) if search.sort == SORT_UPDATED else (search.created_from, search.created_to)
        page = self._query_index(
            index,
            partition_attribute=index.partition_key,
            partition_value=keys.case_list_partitions(tenant_id, **search.equalities())[declared.name],
            newest_first=True,
            limit=limit,
            page_token=next_token,
            sort_between=(index.sort_key, _bound(low), _bound(high, upper=True)),
        )
        return CasePage(items=[_case_from_item(i) for i in page.items], next_token=page.next_token)

    def get_many(self, tenant_id: str, case_ids: list[str]) -> list[Case]:
        """The cases of these ids that exist, in the order given (one BatchGetItem per 100 ids)."""
        items = self._table.batch_get([keys.case_item(tenant_id, case_id) for case_id in case_ids])
        by_id = {item["caseId"]: _case_from_item(item) for item in items if item.get("entity") == ENTITY_CASE}
        return [by_id[case_id] for case_id in case_ids if case_id in by_id]

    def audit(self, tenant_id: str, case_id: str, *, limit: int, next_token: str | None = None) -> AuditPage:
        page = self._query(
            partition_value=keys.case_partition(tenant_id, case_id),
            sort_prefix=("sk", keys.CASE_AUDIT_PREFIX),
            limit=limit,
            page_token=next_token,
        )
        if not page.items and next_token is None:
            self.get(tenant_id, case_id)  # an unknown case is a 404, not an empty trail
        entries = [AuditEntry.of_detail(i["change"]) for i in page.items]
        return AuditPage(items=entries, next_token=page.next_token)

    def change_history(self, tenant_id: str, case_id: str) -> list[dict[str, Any]]:
        """Every change of a case as its event detail (the audit records), oldest first."""
        changes, token = [], None
        while True:
            page = self._table.query_page(
                partition_value=keys.case_partition(tenant_id, case_id),
                sort_prefix=("sk", keys.CASE_AUDIT_PREFIX),
                limit=1000,
                page_token=token,
            )
            changes.extend(item["change"] for item in page.items)
            token = page.next_token
            if not token:
                return changes

    def changes_after(self, tenant_id: str, case_id: str, version: int) -> list[dict[str, Any]]:
        """The changes recorded after `version` (their event details), oldest first: one Query that
        reads only what happened since, so its cost follows the consumer's lag, not the history."""
        changes, token = [], None
        while True:
            page = self._table.query_page(
                partition_value=keys.case_partition(tenant_id, case_id),
                sort_between=("sk", keys.case_audit_item(tenant_id, case_id, version + 1)["sk"], keys.CASE_AUDIT_END),
                limit=100,
                page_token=token,
            )
            changes.extend(item["change"] for item in page.items)
            token = page.next_token
            if not token:
                return changes

    def sla_due(self, tenant_id: str, shard: int, *, now: datetime, limit: int, next_token: str | None = None) -> CasePage:
        """A tenant's cases whose next SLA breach has come (the SLA sweeper's read): cases due later
        are never read, so a sweep costs what is due, not what exists. While an upgrade has not made
        the index queryable (store/case_indexes.py), nothing is due yet: the next sweeps find it."""
        index = queryable_or_wait(CASES_SLA_DUE, "the SLA sweep")
        if index is None:
            return CasePage(items=[], next_token=None)
        page = self._table.query_items_page(
            partition_attribute=index.partition_key,
            partition_value=keys.sla_due_partition(tenant_id, shard),
            index=index.name,
            sort_below=(index.sort_key, keys.sortable_time(now)),
            limit=limit,
            page_token=next_token,
        )
        return CasePage(items=[_case_from_item(i) for i in page.items], next_token=page.next_token)

    def _query(self, **query: Any) -> Page:
        try:
            return self._table.query_page(**query)
        except InvalidPageToken as error:
            raise InvalidRequest("nextToken is not a token this query returned") from error

    def _query_index(self, index: IndexSpec, **query: Any) -> Page:
        """A page of cases from a list index: read whole from a KEYS_ONLY index's keys."""
        if index.projection == PROJECT_ALL:
            return self._query(index=index.name, **query)
        try:
            return self._table.query_items_page(index=index.name, **query)
        except InvalidPageToken as error:
            raise InvalidRequest("nextToken is not a token this query returned") from error

    # --- writes ----------------------------------------------------------------------------

    def next_reference_sequence(self, tenant_id: str) -> int:
        return self._table.add_to_counter(keys.reference_counter_item(tenant_id), "sequence")

    def create(self, change: CaseChange) -> None:
        case = change.case
        pointer = {**keys.reference_item(case.tenant_id, case.reference_number), "caseId": case.case_id}
        family = family_operations([change])
        try:
            self._table.transact(
                [
                    _put_new(_case_item(case), budget=CASE_RECORD_BUDGET),
                    _put_new(pointer),
                    _put_new(_audit_item(change)),
                    *family.operations,
                    # A case id derived from a retried key (Idempotency-Key, contact) that was deleted stays deleted.
                    {"ConditionCheck": {"Key": serialize(keys.case_tombstone_item(case.tenant_id, case.case_id)), "ConditionExpression": "attribute_not_exists(pk)"}},
                ]
            )
        except ConditionFailed as error:
            if len(family.operations) + 3 in error.failed_indexes:
                raise CaseDeleted(f"case {case.case_id}, which this request created before, was deleted", details={"caseId": case.case_id}) from error
            if 0 in error.failed_indexes:
                raise CaseExists(case.case_id) from error
            if 1 in error.failed_indexes:
                raise ReferenceTaken(case.reference_number) from error
            _raise_if_parent_refused(error, [3 + i for i in family.parent_checks], case)
            raise

    def save(
        self,
        change: CaseChange,
        also: list[dict[str, Any]] | None = None,
        earlier: list | None = None,
        *,
        within_budget: bool = False,
    ) -> None:
        """Stores an updated case, provided nobody changed it since it was read.

        `change` is any change recorded on the case (CASE.*, TASK.*, SLA.*...) carrying the case after
        it. `earlier` are changes recorded in the same transaction before it (each with its own audit
        record: tasks cancelled by this resolution, a second SLA...). `also` adds operations (wire
        format; another table's name them with TableName) that must commit or fail with the change:
        a timeline item, a task... Their conditions failing is a VersionConflict too.

        "Read at" is both the version and the SLA revision: an edit moves the version, an SLA change
        (SLA_CHANGE_TYPES) only the revision, so the SLA clock never invalidates a client's If-Match,
        and neither kind of writer can overwrite what the other wrote meanwhile (the loser re-reads).

        `within_budget`: a change a request asked for keeps the case within CASE_RECORD_BUDGET
        (else PayloadTooLarge); Casetrail's own bookkeeping (SLAs, rules) need only fit DynamoDB, so
        a case at its budget still takes them."""
        case = change.case
        operations, parent_checks = _change_operations(change, earlier or [])
        if within_budget:
            require_within(operations[0]["Put"]["Item"], CASE_RECORD_BUDGET, "case")
        try:
            self._table.transact([*operations, *(also or [])])
        except ConditionFailed as error:
            _raise_if_parent_refused(error, parent_checks, case)
            raise VersionConflict(
                f"case {case.case_id} changed since it was read",
                details={"caseId": case.case_id},
            ) from error

    def merge(self, duplicate: CaseChange, survivor: CaseChange, *, earlier: list | None = None, also: list[dict[str, Any]] | None = None) -> None:
        """Closes the duplicate and grows the survivor in one transaction, each conditional on the
        version it was read at (a lost race is a VersionConflict: the caller plans it again)."""
        closing, _ = _change_operations(duplicate, earlier or [])
        growing, _ = _change_operations(survivor, [])
        try:
            self._table.transact([*closing, *growing, *(also or [])])
        except ConditionFailed as error:
            raise VersionConflict("one of the merged cases changed while the merge was saved", details={"caseId": survivor.case_id}) from error


def _change_operations(change: CaseChange, earlier: list) -> tuple[list[dict[str, Any]], list[int]]:
    """The conditional put of the case, the audit record of each change and the parents' roll-ups,
    plus the positions of the checks on a new parent.

    "Read at" is both the version and the SLA revision: an edit moves the version, an SLA change
    (SLA_CHANGE_TYPES) only the revision, so the SLA clock never invalidates a client's If-Match,
    and neither kind of writer can overwrite what the other wrote meanwhile (the loser re-reads)."""
    case = change.case
    changes = [*earlier, change]
    sla_changes = sum(1 for c in changes if c.event_type in SLA_CHANGE_TYPES)
    read_version = case.version - (len(changes) - sla_changes)
    read_sla_revision = case.sla_revision - sla_changes
    condition = "version = :read_version AND " + (
        "(attribute_not_exists(slaRevision) OR slaRevision = :read_sla_revision)" if read_sla_revision == 0 else "slaRevision = :read_sla_revision"
    )
    operations = [
        {
            "Put": {
                "Item": serialize(_case_item(case)),
                "ConditionExpression": condition,
                "ExpressionAttributeValues": {
                    ":read_version": {"N": str(read_version)},
                    ":read_sla_revision": {"N": str(read_sla_revision)},
                },
            }
        },
        *(_put_new(_audit_item(c)) for c in changes),
    ]
    family = family_operations(changes)
    return [*operations, *family.operations], [len(operations) + i for i in family.parent_checks]


def _raise_if_parent_refused(error: ConditionFailed, parent_checks: list[int], case: Case) -> None:
    if set(error.failed_indexes) & set(parent_checks):
        raise ParentCycle(
            f"case {case.parent_case_id} cannot be the parent of case {case.case_id}: it was merged, removed, "
            "or made a child of this case meanwhile",
            details={"parentCaseId": case.parent_case_id},
        ) from error


def kept_index_for(search: CaseSearch) -> IndexSpec | None:
    """The kept index that serves a search as it is (no filter on its partition) and that this
    deployment may query, or None (the search engine's)."""
    declared = _kept_index(search)
    return queryable(declared) if declared is not None else None


def _kept_index(search: CaseSearch) -> IndexSpec | None:
    given = search.equalities()
    if search.text or search.tag or len(given) != 1:
        return None
    ((name, _),) = given.items()
    if search.sort == SORT_UPDATED:
        if name != "assignee" or search.created_from or search.created_to:
            return None
        return CASES_BY_ASSIGNEE_UPDATED
    if search.updated_from or search.updated_to:
        return None
    return next((index for filter_name, index in _NARROW_INDEXES if filter_name == name), None)


def _bound(moment: datetime | None, upper: bool = False) -> str | None:
    # Sort keys start with the ISO time in UTC; "$" sorts after the "#" that follows it, so an
    # upper bound includes every case of that very instant.
    if moment is None:
        return None
    utc = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC).isoformat()
    return f"{utc}$" if upper else utc


def _case_item(case: Case) -> dict[str, Any]:
    created = keys.newest_first_sort_key(case.created_at.isoformat(), case.case_id)
    updated = keys.newest_first_sort_key(case.updated_at.isoformat(), case.case_id)
    partitions = keys.case_list_partitions(
        case.tenant_id,
        customer_id=case.customer_id,
        assignee=case.assignee,
        queue=case.queue,
    )
    index_keys: dict[str, str] = {}
    declared = _declared_indexes()
    for index, partition in partitions.items():
        spec = declared.get(index)
        if spec is None:
            continue  # an index the table no longer has (served by search): its keys cost bytes only
        index_keys[spec.partition_key] = partition
        index_keys[spec.sort_key] = updated if index in keys.UPDATED_ORDER_INDEXES else created
    if case.next_sla_breach_at is not None:
        index_keys |= keys.sla_due_keys(case.tenant_id, case.case_id, keys.sortable_time(case.next_sla_breach_at))
    if case.status.value == "closed" and case.closed_at is not None:
        index_keys |= keys.closed_case_keys(case.tenant_id, case.case_id, keys.sortable_time(case.closed_at))
    return {
        **keys.case_item(case.tenant_id, case.case_id),
        "entity": ENTITY_CASE,
        **index_keys,
        **case.to_wire(),
        "slaRevision": case.sla_revision,
    }


def _declared_indexes() -> dict[str, Any]:
    return {index.name: index for index in CASES_TABLE.indexes}


def _case_from_item(item: dict[str, Any]) -> Case:
    return Case.model_validate(item)


def _audit_item(change: CaseChange) -> dict[str, Any]:
    if change.event_type in SLA_CHANGE_TYPES:
        key = keys.case_sla_audit_item(change.tenant_id, change.case_id, change.case_version, change.case.sla_revision)
    else:
        key = keys.case_audit_item(change.tenant_id, change.case_id, change.case_version)
    return {
        **key,
        "entity": ENTITY_AUDIT,
        "change": change.to_wire(),
    }


def _put_new(item: dict[str, Any], budget: int | None = None) -> dict[str, Any]:
    wire = serialize(item)
    if budget is not None:
        require_within(wire, budget, item["entity"].lower())
    return {"Put": {"Item": wire, "ConditionExpression": "attribute_not_exists(pk)"}}
