"""The bus entry of an event, as every path that publishes it builds it: the stream publisher and
an operator's republish. Inline when it fits the bus; otherwise its full detail goes to S3 first
(store/event_details.py) and the entry carries the trimmed detail with the claim check, so an event
of any size reaches every consumer by either path."""

from dataclasses import dataclass

from casetrail.outbound.bus_entries import INLINE_ENTRY_LIMIT, entry_size, event_entry


@dataclass(frozen=True)
class PublishableEntry:
    entry: dict
    inline_bytes: int  # the entry the event would have been, had it been sent whole
    claim_checked_bytes: int | None = None  # the stored detail's size, when it was claim-checked


def publishable_entry(detail: dict, bus_name: str, details_bucket: str | None, s3=None) -> PublishableEntry:
    entry = event_entry(detail, bus_name)
    size = entry_size(entry)
    if size <= INLINE_ENTRY_LIMIT:
        return PublishableEntry(entry, size)
    if details_bucket is None:
        raise RuntimeError("an event too large for the bus needs the event details bucket, and none is configured")
    # Only for the rare event too large for the bus: the models the claim check needs load here
    # (the publisher is a relay that imports no domain model, for a short cold start).
    from casetrail.domain.events import trimmed_detail
    from casetrail.store.event_details import store_detail

    claim_check = store_detail(details_bucket, detail, s3=s3)
    return PublishableEntry(event_entry(trimmed_detail(detail, claim_check), bus_name), size, claim_check.bytes)
