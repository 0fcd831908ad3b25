import datetime as dt
import zoneinfo

import pytest

from m2c.core.calendar import add_working_days, is_working_day, working_days_between
from m2c.core.models import CalendarDay

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def spring_festival_2026(db):
    # 2026: holidays 15–23 Feb; Saturday 14 Feb and Saturday 28 Feb are make-up working days (调休).
    for day in range(15, 24):
        CalendarDay.objects.create(date=dt.date(2026, 2, day), kind=CalendarDay.Kind.HOLIDAY, name="春节")
    for day in (14, 28):
        CalendarDay.objects.create(date=dt.date(2026, 2, day), kind=CalendarDay.Kind.WORKDAY, name="春节调休")


def test_skips_the_weekend(db):
    friday = dt.date(2026, 11, 27)
    assert add_working_days(friday, 1) == dt.date(2026, 11, 30)
    assert add_working_days(friday, 3) == dt.date(2026, 12, 2)


def test_a_make_up_saturday_is_a_working_day(spring_festival_2026):
    assert is_working_day(dt.date(2026, 2, 14))
    # Friday 13 Feb + 1 working day = Saturday 14 Feb (调休), not Monday.
    assert add_working_days(dt.date(2026, 2, 13), 1) == dt.date(2026, 2, 14)


def test_holidays_are_skipped(spring_festival_2026):
    assert not is_working_day(dt.date(2026, 2, 16))
    # Sat 14 (working) → holidays 15–23 → Tue 24 is the next working day.
    assert add_working_days(dt.date(2026, 2, 14), 1) == dt.date(2026, 2, 24)
    assert add_working_days(dt.date(2026, 2, 13), 3) == dt.date(2026, 2, 25)


def test_counts_working_days_between(spring_festival_2026):
    assert working_days_between(dt.date(2026, 2, 13), dt.date(2026, 2, 24)) == 2
    assert working_days_between(dt.date(2026, 2, 24), dt.date(2026, 2, 13)) == -2
    assert working_days_between(dt.date(2026, 2, 27), dt.date(2026, 3, 2)) == 2  # Sat 28 works, Mon 2
    assert working_days_between(dt.date(2026, 3, 2), dt.date(2026, 3, 2)) == 0


def test_a_datetime_keeps_its_time_of_day(db):
    friday_3pm = dt.datetime(2026, 11, 27, 15, 0, tzinfo=SHANGHAI)
    due = add_working_days(friday_3pm, 3)
    assert due == dt.datetime(2026, 12, 2, 15, 0, tzinfo=SHANGHAI)
    assert due.tzinfo is not None


def test_negative_days_count_backwards(spring_festival_2026):
    assert add_working_days(dt.date(2026, 2, 24), -1) == dt.date(2026, 2, 14)


def test_starting_on_a_sunday_counts_from_monday(db):
    assert add_working_days(dt.date(2026, 11, 29), 1) == dt.date(2026, 11, 30)


def test_long_spans_fetch_more_of_the_calendar(db):
    CalendarDay.objects.create(date=dt.date(2027, 6, 1), kind=CalendarDay.Kind.HOLIDAY, name="far away")
    start = dt.date(2026, 11, 2)  # a Monday
    plain = add_working_days(start, 200)
    # 200 working days = 40 weeks; the holiday 7 months out pushes it by one day.
    assert plain == dt.date(2027, 8, 10)
