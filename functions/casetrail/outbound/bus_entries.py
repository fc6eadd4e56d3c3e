"""EventBridge PutEvents entries for Casetrail events, and their size as EventBridge counts it.

EventBridge refuses a PutEvents request whose entries total more than 256 KB, counted as: 14 bytes
for `Time` when given, then the UTF-8 bytes of `Source`, `DetailType`, `Detail` and each of
`Resources` (EventBridge user guide, "Calculating PutEvents event entry size"). An event whose
entry would be larger than INLINE_ENTRY_LIMIT travels by claim check instead (the publisher).
"""

import json

from casetrail.topology import EVENT_DETAIL_TYPE, EVENT_SOURCE

PUT_EVENTS_ENTRY_LIMIT = 256 * 1024
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
