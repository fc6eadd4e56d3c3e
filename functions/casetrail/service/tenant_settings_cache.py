"""What an event consumer keeps of a tenant's settings between events: rules, subscriptions, its
SLA calendar, its pricing. Each is read once per tenant per `TENANT_SETTINGS_SECONDS` by a warm
function instance, so a burst of events costs one read per tenant, not one per event.

Why the staleness is acceptable: these are settings an admin edits, not state an event changes.
An edit reaches the consumers within the window, as if it had been made that much later; nothing
that makes an event count once (dedupe records, markers, claims) is ever cached.

Hand-written (a dict and a clock) rather than a dependency: the functions need no more than this.
"""

import time
from collections.abc import Callable
from typing import Generic, TypeVar

# An admin's edit reaches every consumer within this many seconds.
TENANT_SETTINGS_SECONDS = 10.0

T = TypeVar("T")


class TenantSettingsCache(Generic[T]):
    def __init__(self, load: Callable[[str], T], *, seconds: float = TENANT_SETTINGS_SECONDS, monotonic: Callable[[], float] = time.monotonic):
        self._load = load
        self._seconds = seconds
        self._monotonic = monotonic
        self._held: dict[str, tuple[float, T]] = {}

    def get(self, tenant_id: str) -> T:
        held = self._held.get(tenant_id)
        now = self._monotonic()
        if held is None or now - held[0] > self._seconds:
            held = (now, self._load(tenant_id))
            self._held[tenant_id] = held
        return held[1]
