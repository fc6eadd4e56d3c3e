"""Timeline (related) items in DynamoDB, in their case's partition.

A related item is written as: the timeline item (sort key TIMELINE#<createdAt>#<id>, also in the
sparse per-type index), a pointer from its id to that sort key, and for a contact a link item in
the contact's partition. These writes ride in the case's own transaction (CaseRepository.save).
"""

from dataclasses import dataclass
from typing import Any

from casetrail.domain.errors import InvalidRequest, RelatedItemNotFound
from casetrail.domain.related_items import RelatedItem, RelatedItemType
from casetrail.store import keys
from casetrail.store.case_indexes import queryable
from casetrail.store.dynamo import InvalidPageToken, Page, Table, serialize
from casetrail.store.tables import TIMELINE_BY_TYPE

ENTITY_RELATED_ITEM = "RELATED_ITEM"
ENTITY_POINTER = "RELATED_ITEM_POINTER"
ENTITY_CONTACT_LINK = "CONTACT_CASE_LINK"


@dataclass(frozen=True)
class TimelinePage:
    items: list[RelatedItem]
    next_token: str | None


@dataclass(frozen=True)
class ContactLink:
    case_id: str
    related_item_id: str
    linked_at: str


@dataclass(frozen=True)
class ContactLinkPage:
    items: list[ContactLink]
    next_token: str | None


class TimelineRepository:
    def __init__(self, table: Table):
        self._table = table

    def get(self, tenant_id: str, case_id: str, related_item_id: str) -> RelatedItem:
        pointer = self._table.get(keys.related_item_pointer(tenant_id, case_id, related_item_id))
        item = self._table.get({"pk": pointer["pk"], "sk": pointer["timelineSk"]}) if pointer else None
        if item is None:
            raise RelatedItemNotFound(f"related item {related_item_id} was not found on case {case_id}")
        return RelatedItem.model_validate(item)

    def page(self, tenant_id: str, case_id: str, *, item_type: str | None, newest_first: bool, limit: int, next_token: str | None) -> TimelinePage:
        index = queryable(TIMELINE_BY_TYPE) if item_type else None
        if index is not None:
            query: dict[str, Any] = {
                "partition_attribute": index.partition_key,
                "partition_value": keys.case_timeline_type_partition(tenant_id, case_id, item_type),
                "index": index.name,
            }
        else:
            query = {"partition_value": keys.case_partition(tenant_id, case_id), "sort_prefix": ("sk", keys.CASE_TIMELINE_PREFIX)}
            if item_type:  # no per-type index queryable yet (an upgrade under way): the timeline, filtered
                query["filter_equals"] = {"type": item_type}
        read = self._query_items if index is not None else self._query  # the per-type index holds keys only
        page = read(**query, newest_first=newest_first, limit=limit, page_token=next_token)
        return TimelinePage(items=[RelatedItem.model_validate(i) for i in page.items], next_token=page.next_token)

    def contact_links(self, tenant_id: str, contact_id: str, *, limit: int, next_token: str | None) -> ContactLinkPage:
        page = self._query(partition_value=keys.contact_partition(tenant_id, contact_id), limit=limit, page_token=next_token)
        links = [ContactLink(case_id=i["caseId"], related_item_id=i["relatedItemId"], linked_at=i["linkedAt"]) for i in page.items]
        return ContactLinkPage(items=links, next_token=page.next_token)

    def _query(self, **query: Any) -> Page:
        try:
            return self._table.query_page(**query)
        except InvalidPageToken as error:
            raise InvalidRequest("nextToken is not a token this query returned") from error

    def _query_items(self, **query: Any) -> Page:
        try:
            return self._table.query_items_page(**query)
        except InvalidPageToken as error:
            raise InvalidRequest("nextToken is not a token this query returned") from error

    # --- operations for the case's transaction ----------------------------------------------

    def put_operations(self, item: RelatedItem) -> list[dict[str, Any]]:
        timeline_key = _timeline_key(item)
        pointer = {**keys.related_item_pointer(item.tenant_id, item.case_id, item.related_item_id), "entity": ENTITY_POINTER, "timelineSk": timeline_key["sk"]}
        operations = [_put(_timeline_item(item)), _put(pointer)]
        if item.type is RelatedItemType.CONTACT:
            link = {
                **keys.contact_case_link(item.tenant_id, item.content["contactId"], item.case_id, item.related_item_id),
                "entity": ENTITY_CONTACT_LINK,
                "caseId": item.case_id,
                "relatedItemId": item.related_item_id,
                "linkedAt": item.created_at.isoformat(),
            }
            operations.append(_put(link))
        return operations

    def replace_operations(self, item: RelatedItem) -> list[dict[str, Any]]:
        return [_put(_timeline_item(item))]

    def delete_operations(self, item: RelatedItem) -> list[dict[str, Any]]:
        operations = [
            {"Delete": {"Key": serialize(_timeline_key(item))}},
            {"Delete": {"Key": serialize(keys.related_item_pointer(item.tenant_id, item.case_id, item.related_item_id))}},
        ]
        if item.type is RelatedItemType.CONTACT:  # a moderator's deletion: the contact no longer leads here
            link = keys.contact_case_link(item.tenant_id, item.content["contactId"], item.case_id, item.related_item_id)
            operations.append({"Delete": {"Key": serialize(link)}})
        return operations


def _timeline_key(item: RelatedItem) -> dict[str, str]:
    return keys.case_timeline_item(item.tenant_id, item.case_id, keys.sortable_time(item.created_at), item.related_item_id)


def _timeline_item(item: RelatedItem) -> dict[str, Any]:
    created_at = keys.sortable_time(item.created_at)
    by_type = keys.case_timeline_by_type(item.tenant_id, item.case_id, item.type.value, created_at, item.related_item_id)
    return {**_timeline_key(item), **by_type, "entity": ENTITY_RELATED_ITEM, **item.to_wire()}


def _put(item: dict[str, Any]) -> dict[str, Any]:
    # Unconditional: the case item's version condition in the same transaction already makes
    # every change to a case and its timeline happen one at a time.
    return {"Put": {"Item": serialize(item)}}
