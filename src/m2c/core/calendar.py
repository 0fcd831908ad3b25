"""The working-day calendar: Monday to Friday, minus public holidays, plus make-up working days (调休).

SLAs (lead acceptance, billing, bid lead time) are counted in working days. Exceptions live in
``CalendarDay`` rows an administrator maintains; they are read per call (one indexed range query),
never cached in process memory, so every app server agrees.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .models import CalendarDay


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _exceptions(start: dt.date, end: dt.date) -> dict[dt.date, str]:
    lo, hi = min(start, end), max(start, end)
    return dict(CalendarDay.objects.filter(date__gte=lo, date__lte=hi).values_list("date", "kind"))


def _is_working(day: dt.date, exceptions: dict[dt.date, str]) -> bool:
    kind = exceptions.get(day)
    if kind == CalendarDay.Kind.HOLIDAY:
        return False
    if kind == CalendarDay.Kind.WORKDAY:
        return True
    return day.weekday() < 5


def is_working_day(day: dt.date | dt.datetime) -> bool:
    d = _as_date(day)
    return _is_working(d, _exceptions(d, d))


def add_working_days(start: dt.date | dt.datetime, days: int) -> dt.date | dt.datetime:
    """The moment ``days`` working days after ``start`` (or before, for a negative number).

    A datetime keeps its time of day: a lead assigned on Friday 15:00 with 3 working days is due on
    Wednesday 15:00. Starting on a non-working day counts from the next working day.
    """
    step = 1 if days >= 0 else -1
    remaining = abs(days)
    current = _as_date(start)
    window_end = current
    exceptions: dict[dt.date, str] = {}
    while remaining:
        current += dt.timedelta(days=step)
        if (current - window_end).days * step > 0:
            # Fetch the exceptions a window at a time; long holidays are at most ~9 days.
            window_end = current + dt.timedelta(days=step * (remaining * 2 + 30))
            exceptions.update(_exceptions(current, window_end))
        if _is_working(current, exceptions):
            remaining -= 1
    if isinstance(start, dt.datetime):
        local = timezone.localtime(start) if timezone.is_aware(start) else start
        result = local.replace(year=current.year, month=current.month, day=current.day)
        return result
    return current


def working_days_between(start: dt.date | dt.datetime, end: dt.date | dt.datetime) -> int:
    """Working days after ``start`` up to and including ``end`` (negative when ``end`` is earlier)."""
    a, b = _as_date(start), _as_date(end)
    if a == b:
        return 0
    sign = 1 if b > a else -1
    lo, hi = (a, b) if sign > 0 else (b, a)
    exceptions = _exceptions(lo, hi)
    count = 0
    day = lo + dt.timedelta(days=1)
    while day <= hi:
        if _is_working(day, exceptions):
            count += 1
        day += dt.timedelta(days=1)
    return sign * count
