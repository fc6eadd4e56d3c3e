"""Which engine answers the search port in this process: OpenSearch where the deployment names a
collection endpoint, else SQLite (the runner's shared database file; in tests, memory)."""

import os
from functools import cache

from casetrail.search.port import SearchIndex
from casetrail.settings import get_settings


@cache
def search_index() -> SearchIndex:
    settings = get_settings()
    if settings.search_endpoint:
        # Imported here: only deployed functions sign requests to a collection.
        from casetrail.search.opensearch_index import OpenSearchIndex
        from casetrail.search.opensearch_transport import SignedTransport

        region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
        return OpenSearchIndex(SignedTransport(settings.search_endpoint, region))
    from casetrail.search.sqlite_index import SqliteSearchIndex

    return SqliteSearchIndex(settings.search_database)
