"""The events that change a search document, by name (plain strings: topology imports this, and
every function imports topology, so nothing heavier belongs here)."""

CASE_DELETED = "CASE.DELETED"
# Published by the erasure of a customer: every case of theirs goes from the index.
CUSTOMER_ERASED = "CUSTOMER.ERASED"
INDEXED_EVENT_TYPES: tuple[str, ...] = (
    "CASE.CREATED",
    "CASE.UPDATED",
    "CASE.MERGED",
    CASE_DELETED,
    "RELATED_ITEM.CREATED",
    "RELATED_ITEM.UPDATED",
    "RELATED_ITEM.DELETED",
    CUSTOMER_ERASED,
)
