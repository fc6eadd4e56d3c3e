"""One type for every point in time a request gives: ISO 8601 with a time zone, kept in UTC.

Python's datetime ends at year 1 and 9999 in local time, so `0001-01-01T00:00:00+01:00` or
`9999-12-31T23:59:59-01:00` parse but cannot be moved to UTC (OverflowError). Instants are bounded
well inside that range, with a margin on both sides so that arithmetic on them (a day's window,
a due time plus a reminder) can never overflow either, and the UTC form always has 4-digit years
(sort keys compare as text).
"""

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, Field

EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 1, 1, tzinfo=UTC)
RANGE_TEXT = "between 1900-01-01T00:00:00Z and 9999-01-01T00:00:00Z"


def in_utc(moment: datetime) -> datetime:
    """The instant in UTC; a ValueError (a 422 at the API) when it is outside the accepted range."""
    try:
        utc = moment.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"must be {RANGE_TEXT}") from None
    if not EARLIEST <= utc <= LATEST:
        raise ValueError(f"must be {RANGE_TEXT}")
    return utc


def parse_instant(text: str) -> datetime:
    """An ISO 8601 date-time with a time zone, in UTC (for values that arrive as plain text)."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError("expected an ISO 8601 date-time") from None
    if moment.tzinfo is None:
        raise ValueError("expected a date-time with a time zone")
    return in_utc(moment)


Instant = Annotated[
    AwareDatetime,
    AfterValidator(in_utc),
    Field(description=f"ISO 8601 with a time zone (stored in UTC), {RANGE_TEXT}"),
]
