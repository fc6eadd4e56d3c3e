"""Makes moto's EventBridge refuse what AWS refuses: a PutEvents request over 256 KB.

Why: moto accepts an entry of any size, while AWS refuses the request with a ValidationException
("Total size of the entries in the request is over the limit"). An event too large for the bus
then passed every local test and `make run`, and was lost once deployed (the publisher retried it
into its failure queue). With this, the emulation fails the way production does. Used by the
local runner and by the tests' `aws` fixture; sizes are counted by the same function the
publisher uses to decide on a claim check.
"""

import functools

from moto.events.exceptions import ValidationException
from moto.events.models import EventsBackend

from casetrail.outbound.bus_entries import PUT_EVENTS_ENTRY_LIMIT, entry_size

OVER_THE_LIMIT = "Total size of the entries in the request is over the limit."


def enforce_put_events_limit() -> None:
    """Idempotent: wraps EventsBackend.put_events once, for in-process mocks and the server alike."""
    put_events = EventsBackend.put_events
    if getattr(put_events, "enforces_entry_limit", False):
        return

    @functools.wraps(put_events)
    def limited_put_events(self, events):
        if sum(entry_size(entry) for entry in events) > PUT_EVENTS_ENTRY_LIMIT:
            raise ValidationException(OVER_THE_LIMIT)
        return put_events(self, events)

    limited_put_events.enforces_entry_limit = True
    EventsBackend.put_events = limited_put_events
