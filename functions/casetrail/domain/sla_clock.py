"""The SLA clock: how much business time has run, and when a target is reached. Pure.

A function of (start, calendar, pauses) only, so it can be recomputed at any time from a case's
audit (its creation time and its status changes) and always gives the same answer.

Exactness: business time is measured in real elapsed time (UTC instants), never by wall-clock
arithmetic. Each open period is a local wall-clock window of one business day, turned into two
UTC instants with the calendar's time zone; the clock runs over the union of those periods minus
the pauses. A DST change inside an open period therefore makes that day's period an hour shorter
or longer — as long as the clock on the office wall says — but no business time is ever counted
twice or skipped. All arithmetic is on datetimes/timedeltas (integer microseconds): no rounding.
"""

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import cached_property
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, StringConstraints, field_validator, model_validator

from casetrail.domain.model_base import CamelModel

# A calendar that never opens would make the target search endless: it gives up after this long.
MAX_SEARCH_DAYS = 366 * 5

ClockTime = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")]


class Weekday(StrEnum):
    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"


WEEKDAYS = list(Weekday)  # index = date.weekday()


class OpenHours(CamelModel):
    """One business window of a day, local time; "24:00" closes at the next midnight."""

    opens: ClockTime
    closes: ClockTime

    @model_validator(mode="after")
    def _opens_before_closing(self):
        if self.closes <= self.opens:
            raise ValueError("closes must be after opens")
        return self


class BusinessCalendar(CamelModel):
    """A tenant's business hours: the time zone, each weekday's open windows, and holidays."""

    time_zone: str = "UTC"
    hours: dict[Weekday, list[OpenHours]] = Field(
        default_factory=lambda: {day: [OpenHours(opens="00:00", closes="24:00")] for day in Weekday},
        description="Open windows per weekday (a missing day is closed); 24x7 by default",
    )
    holidays: list[date] = Field(default_factory=list, description="Local dates on which nothing is open")

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value

    @model_validator(mode="after")
    def _opens_some_time(self):
        if not any(self.hours.values()):
            raise ValueError("a business calendar must be open at least one day a week")
        for day, windows in self.hours.items():
            ordered = sorted(windows, key=lambda w: w.opens)
            if any(later.opens < earlier.closes for earlier, later in zip(ordered, ordered[1:])):
                raise ValueError(f"the open windows of {day.value} overlap")  # would count time twice
        return self

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @cached_property
    def holiday_set(self) -> frozenset[date]:
        return frozenset(self.holidays)

    def open_periods(self, since: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Open periods as UTC instants, in order, from the business day containing `since` on."""
        day = since.astimezone(self.zone).date() - timedelta(days=1)  # a period may start the day before
        for _ in range(MAX_SEARCH_DAYS):
            if day not in self.holiday_set:
                for window in sorted(self.hours.get(WEEKDAYS[day.weekday()], []), key=lambda w: w.opens):
                    opens, closes = self._instant(day, window.opens), self._instant(day, window.closes)
                    if closes > opens:  # a window inside a skipped DST hour has no length
                        yield opens, closes
            day += timedelta(days=1)

    def _instant(self, day: date, clock: str) -> datetime:
        if clock == "24:00":
            day, clock = day + timedelta(days=1), "00:00"
        return datetime.combine(day, time.fromisoformat(clock), self.zone).astimezone(UTC)


class Pause(CamelModel):
    """A span during which the clock stood still (the case was pending_customer); open while `ended_at` is None."""

    started_at: datetime
    ended_at: datetime | None = None


def pauses_from_statuses(changes: Iterable[tuple[datetime, bool]]) -> list[Pause]:
    """Pauses from a case's status history: (when, paused-after-this-change) pairs, in any order."""
    pauses: list[Pause] = []
    for at, paused in sorted(changes, key=lambda change: change[0]):
        is_open = bool(pauses) and pauses[-1].ended_at is None
        if paused and not is_open:
            pauses.append(Pause(started_at=at))
        elif not paused and is_open:
            pauses[-1] = Pause(started_at=pauses[-1].started_at, ended_at=at)
    return pauses


def running_periods(start: datetime, calendar: BusinessCalendar, pauses: Iterable[Pause]) -> Iterator[tuple[datetime, datetime]]:
    """The spans, from `start` on, in which the clock runs: open hours minus pauses. Ends at an
    open pause (the clock is stopped until the case resumes)."""
    ordered = sorted(pauses, key=lambda pause: pause.started_at)
    for opens, closes in calendar.open_periods(start):
        cursor = max(opens, start)
        for pause in ordered:
            ended = pause.ended_at
            if ended is not None and ended <= cursor:
                continue
            if pause.started_at >= closes:
                break
            if pause.started_at > cursor:
                yield cursor, pause.started_at
            if ended is None:
                return
            cursor = max(cursor, ended)
        if closes > cursor:
            yield cursor, closes


def elapsed(start: datetime, calendar: BusinessCalendar, pauses: Iterable[Pause], at: datetime) -> timedelta:
    """Business time the clock has run between `start` and `at`."""
    total = timedelta(0)
    for begins, ends in running_periods(start, calendar, pauses):
        if begins >= at:
            break
        total += min(ends, at) - begins
    return total


def target_time(start: datetime, calendar: BusinessCalendar, pauses: Iterable[Pause], duration: timedelta) -> datetime | None:
    """The instant the clock reaches `duration`; None while it is paused before getting there."""
    remaining = duration
    for begins, ends in running_periods(start, calendar, pauses):
        if ends - begins >= remaining:
            return begins + remaining
        remaining -= ends - begins
    return None
