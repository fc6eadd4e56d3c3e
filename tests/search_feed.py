"""The event stream's feed of the search index, made synchronous for in-process tests.

Deployed (and in `make run`) the search consumer gets every case event from the bus a moment after
the change commits. Tests that drive the handlers in-process have no stream: this delivers each
audit record (the event) to the same feed logic (search/feed.py) the moment its transaction commits,
so a test can create a case and list it at once. The consumer's own path (SQS batch, intake rule,
failures) is tested on its own in tests/integration/test_search_consumer.py."""

from typing import Any

from casetrail.search.engines import search_index
from casetrail.search.feed import SearchFeed
from casetrail.store import dynamo

_original_transact = dynamo.Table.transact


def _transact_then_feed(self: dynamo.Table, operations: list[dict[str, Any]]) -> None:
    _original_transact(self, operations)
    feed = SearchFeed(search_index())
    for operation in operations:
        item = operation.get("Put", {}).get("Item", {})
        if item.get("entity") == {"S": "AUDIT"}:
            feed.apply(dynamo.deserialize(item)["change"])


def install() -> None:
    dynamo.Table.transact = _transact_then_feed  # type: ignore[method-assign]


def uninstall() -> None:
    dynamo.Table.transact = _original_transact  # type: ignore[method-assign]
