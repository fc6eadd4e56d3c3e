"""Optimistic concurrency on the wire: the version a client read comes back in If-Match."""

from casetrail.domain.errors import InvalidRequest, PreconditionRequired


def expected_version(if_match: str | None, what: str = "case") -> int:
    """If-Match carries the version the client read: `2`, `"2"` and `W/"2"` are all accepted."""
    if if_match is None:
        raise PreconditionRequired(f"send the version you read in an If-Match header to update a {what}")
    raw = if_match.strip().removeprefix("W/").strip('"')
    if not raw.isdigit() or int(raw) < 1:
        raise InvalidRequest(f"If-Match must be a {what} version such as \"3\"")
    return int(raw)
