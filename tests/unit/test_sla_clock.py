"""The SLA clock: business hours, holidays, pauses and DST, by worked examples and by properties."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from casetrail.domain.sla_clock import BusinessCalendar, Pause, elapsed, pauses_from_statuses, target_time

NEW_YORK_OFFICE = BusinessCalendar(
    time_zone="America/New_York",
    hours={day: [{"opens": "09:00", "closes": "17:00"}] for day in ("mon", "tue", "wed", "thu", "fri")},
    holidays=[date(2026, 11, 26)],  # Thanksgiving, a Thursday
)
ALWAYS_OPEN_NEW_YORK = BusinessCalendar(time_zone="America/New_York")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# --- worked examples ----------------------------------------------------------------------------


def test_a_target_runs_past_closing_time_into_the_next_business_morning():
    # Given a case opened Tuesday 16:00 New York (21:00 UTC) with a 4-hour business target
    start = utc("2026-11-24T21:00:00")
    # Then 1 hour runs on Tuesday, Wednesday opens 09:00 EST and 3 more hours end at 12:00 EST
    assert target_time(start, NEW_YORK_OFFICE, [], timedelta(hours=4)) == utc("2026-11-25T17:00:00")


def test_a_holiday_and_the_weekend_are_skipped():
    # Given a case opened Wednesday before Thanksgiving at 16:00 EST with a 2-hour target
    start = utc("2026-11-25T21:00:00")
    # Then Thursday (holiday) is skipped and Friday 10:00 EST is the target
    assert target_time(start, NEW_YORK_OFFICE, [], timedelta(hours=2)) == utc("2026-11-27T15:00:00")
    # And a 10-hour target runs 1 h on Wednesday, 8 h on Friday, skips the weekend: Monday 10:00 EST
    assert target_time(start, NEW_YORK_OFFICE, [], timedelta(hours=10)) == utc("2026-11-30T15:00:00")


def test_a_pause_during_business_hours_moves_the_target_by_its_length():
    start = utc("2026-11-24T14:00:00")  # Tuesday 09:00 EST
    pause = Pause(started_at=utc("2026-11-24T15:00:00"), ended_at=utc("2026-11-24T15:30:00"))
    assert target_time(start, NEW_YORK_OFFICE, [pause], timedelta(hours=2)) == utc("2026-11-24T16:30:00")


def test_a_pause_outside_business_hours_changes_nothing():
    start = utc("2026-11-24T14:00:00")
    night = Pause(started_at=utc("2026-11-25T00:00:00"), ended_at=utc("2026-11-25T10:00:00"))
    assert target_time(start, NEW_YORK_OFFICE, [night], timedelta(hours=10)) == target_time(
        start, NEW_YORK_OFFICE, [], timedelta(hours=10)
    )


def test_an_open_pause_stops_the_clock_so_there_is_no_target():
    start = utc("2026-11-24T14:00:00")
    pending = Pause(started_at=utc("2026-11-24T15:00:00"))
    assert target_time(start, NEW_YORK_OFFICE, [pending], timedelta(hours=2)) is None
    assert elapsed(start, NEW_YORK_OFFICE, [pending], utc("2026-12-24T00:00:00")) == timedelta(hours=1)


def test_the_spring_forward_night_is_an_hour_shorter_in_a_24x7_calendar():
    # 2026-03-08 02:00 EST -> 03:00 EDT: local midnight to midnight is 23 real hours
    start = utc("2026-03-08T05:00:00")  # 00:00 EST
    assert target_time(start, ALWAYS_OPEN_NEW_YORK, [], timedelta(hours=23)) == utc("2026-03-09T04:00:00")  # 00:00 EDT


def test_pauses_come_from_the_status_history_in_any_order():
    history = [
        (utc("2026-11-24T17:00:00"), False),
        (utc("2026-11-24T15:00:00"), True),
        (utc("2026-11-24T16:00:00"), True),  # still pending (e.g. a second note): no new pause
        (utc("2026-11-24T18:00:00"), True),
    ]
    assert pauses_from_statuses(history) == [
        Pause(started_at=utc("2026-11-24T15:00:00"), ended_at=utc("2026-11-24T17:00:00")),
        Pause(started_at=utc("2026-11-24T18:00:00")),
    ]


@pytest.mark.parametrize(
    "calendar",
    [
        {"timeZone": "Mars/Olympus"},
        {"hours": {}},
        {"hours": {"mon": [{"opens": "17:00", "closes": "09:00"}]}},
        {"hours": {"mon": [{"opens": "09:00", "closes": "13:00"}, {"opens": "12:00", "closes": "17:00"}]}},
    ],
)
def test_a_calendar_that_cannot_be_computed_is_refused(calendar):
    with pytest.raises(ValidationError):
        BusinessCalendar.model_validate(calendar)


# --- properties ---------------------------------------------------------------------------------

# Around both 2026 New York DST changes, to make sure they are exercised.
instants = st.datetimes(min_value=datetime(2026, 3, 1), max_value=datetime(2026, 11, 15)).map(lambda d: d.replace(tzinfo=UTC))
durations = st.integers(min_value=0, max_value=60 * 24 * 20).map(lambda m: timedelta(minutes=m))
# London's night window straddles its own DST changes (01:00 UTC, last Sundays of March and October).
LONDON_NIGHTS_AND_DAYS = BusinessCalendar(
    time_zone="Europe/London",
    hours={"sun": [{"opens": "00:30", "closes": "03:30"}], **{day: [{"opens": "08:00", "closes": "18:00"}] for day in ("mon", "wed")}},
)
calendars = st.sampled_from([NEW_YORK_OFFICE, ALWAYS_OPEN_NEW_YORK, LONDON_NIGHTS_AND_DAYS])


@st.composite
def closed_pauses(draw, after: datetime):
    offsets = sorted(draw(st.lists(st.integers(min_value=0, max_value=60 * 24 * 30), max_size=6)))
    return [
        Pause(started_at=after + timedelta(minutes=a), ended_at=after + timedelta(minutes=b))
        for a, b in zip(offsets[::2], offsets[1::2])
    ]


@settings(max_examples=150, deadline=None)
@given(start=instants, calendar=calendars, data=st.data(), a=durations, b=durations)
def test_elapsed_never_decreases_as_time_passes(start, calendar, data, a, b):
    pauses = data.draw(closed_pauses(start))
    early, late = sorted((start + a, start + b))
    assert elapsed(start, calendar, pauses, early) <= elapsed(start, calendar, pauses, late)


@settings(max_examples=150, deadline=None)
@given(start=instants, calendar=calendars, data=st.data(), duration=durations)
def test_the_clock_reads_exactly_the_target_duration_at_the_target_time(start, calendar, data, duration):
    pauses = data.draw(closed_pauses(start))
    target = target_time(start, calendar, pauses, duration)
    assert elapsed(start, calendar, pauses, target) == duration
    assert duration == timedelta(0) or elapsed(start, calendar, pauses, target - timedelta(microseconds=1)) < duration


@settings(max_examples=150, deadline=None)
@given(start=instants, calendar=calendars, data=st.data(), duration=durations)
def test_pausing_never_makes_the_target_earlier(start, calendar, data, duration):
    pauses = data.draw(closed_pauses(start))
    assert target_time(start, calendar, pauses, duration) >= target_time(start, calendar, [], duration)


@settings(max_examples=150, deadline=None)
@given(start=instants, duration=durations)
def test_always_open_without_pauses_the_target_is_start_plus_duration_across_dst(start, duration):
    assert target_time(start, ALWAYS_OPEN_NEW_YORK, [], duration) == start + duration


@settings(max_examples=150, deadline=None)
@given(
    start=instants,
    calendar=calendars,
    duration=durations,
    begins=st.integers(min_value=0, max_value=60 * 24 * 10),
    split=st.integers(min_value=0, max_value=60 * 24 * 5),
    rest=st.integers(min_value=0, max_value=60 * 24 * 5),
)
def test_splitting_a_pause_in_two_adjacent_pauses_changes_nothing(start, calendar, duration, begins, split, rest):
    a = start + timedelta(minutes=begins)
    b, c = a + timedelta(minutes=split), a + timedelta(minutes=split + rest)
    whole = [Pause(started_at=a, ended_at=c)]
    halves = [Pause(started_at=b, ended_at=c), Pause(started_at=a, ended_at=b)]
    assert target_time(start, calendar, whole, duration) == target_time(start, calendar, halves, duration)


@settings(max_examples=100, deadline=None)
@given(day=st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31)))
def test_an_office_day_always_holds_its_eight_hours_even_on_dst_days(day):
    # 09:00-17:00 never contains a New York DST change (02:00), so each open day is 8 real hours
    start = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
    working_day = elapsed(start, NEW_YORK_OFFICE, [], start + timedelta(days=1, hours=12)) - elapsed(
        start, NEW_YORK_OFFICE, [], start + timedelta(hours=12)
    )
    assert working_day in (timedelta(0), timedelta(hours=8))


@settings(max_examples=100, deadline=None)
@given(start=instants, duration=durations)
def test_no_business_time_runs_on_a_holiday(start, duration):
    target = target_time(start, NEW_YORK_OFFICE, [], duration)
    thanksgiving = (utc("2026-11-26T05:00:00"), utc("2026-11-27T05:00:00"))
    assert elapsed(start, NEW_YORK_OFFICE, [], thanksgiving[1]) == elapsed(start, NEW_YORK_OFFICE, [], thanksgiving[0])
    assert not (thanksgiving[0] < target < thanksgiving[1])
