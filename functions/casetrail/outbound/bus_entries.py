"""EventBridge PutEvents entries for Casetrail events, their size as EventBridge counts it, and the
requests they fit in.

EventBridge takes at most 10 entries per PutEvents call and refuses a request whose entries total
more than 256 KB, each entry counted as: 14 bytes
for `Time` when given, then the UTF-8 bytes of `Source`, `DetailType`, `Detail` and each of
`Resources` (EventBridge user guide, "Calculating PutEvents event entry size"). An event whose
entry would be larger than INLINE_ENTRY_LIMIT travels by claim check instead (the publisher).
"""

import json

from casetrail.deployment_names import EVENT_DETAIL_TYPE, EVENT_SOURCE

PUT_EVENTS_ENTRY_LIMIT = 256 * 1024  # bytes of one entry, and of all the entries of one request
PUT_EVENTS_MAX_ENTRIES = 10
_TIME_BYTES = 14
# Below the limit: the event a target receives is the entry plus the envelope the bus adds (id,
# account, region, time, resources: a few hundred bytes), and SQS and Firehose targets have limits
# of their own; 16 KiB of room keeps every delivered event within 256 KB too.
INLINE_ENTRY_LIMIT = PUT_EVENTS_ENTRY_LIMIT - 16 * 1024


def detail_json(detail: dict) -> str:
    # Not ASCII-escaped: "\u4e2d" is 6 bytes where the character is 3 in UTF-8, and EventBridge
    # counts the UTF-8 bytes of the string it receives.
    return json.dumps(detail, separators=(",", ":"), ensure_ascii=False)


def event_entry(detail: dict, bus_name: str) -> dict:
    return {
        "Source": EVENT_SOURCE,
        "DetailType": EVENT_DETAIL_TYPE,
        "Detail": detail_json(detail),
        "EventBusName": bus_name,
        "Time": detail["approximateChangeTime"],
    }


def entry_size(entry: dict) -> int:
    """Bytes of one PutEvents entry (request wire format) as EventBridge counts them."""
    size = _TIME_BYTES if entry.get("Time") is not None else 0
    for name in ("Source", "DetailType", "Detail"):
        size += len((entry.get(name) or "").encode("utf-8"))
    return size + sum(len(resource.encode("utf-8")) for resource in entry.get("Resources") or [] if resource)


def put_events_requests(entries: list[dict]) -> list[list[int]]:
    """The entries' positions grouped into PutEvents requests, in order: each request at most
    PUT_EVENTS_MAX_ENTRIES entries and PUT_EVENTS_ENTRY_LIMIT bytes. An entry too large on its own
    (the publisher claim-checks those first) gets a request of its own, for the bus to refuse."""
    requests: list[list[int]] = []
    size = 0
    for position, entry in enumerate(entries):
        entry_bytes = entry_size(entry)
        if not requests or len(requests[-1]) == PUT_EVENTS_MAX_ENTRIES or size + entry_bytes > PUT_EVENTS_ENTRY_LIMIT:
            requests.append([])
            size = 0
        requests[-1].append(position)
        size += entry_bytes
    return requests
