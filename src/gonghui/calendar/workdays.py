"""Counting working days with the official calendar (DESIGN rule 5: deadlines).

A day is a working day when it falls Monday to Friday, unless its year's arrangement
(放假安排, table CalendarDay) makes it a holiday; a weekend day the arrangement names as
worked (调休上班) is a working day too. A year without an arrangement (CalendarYear) is
counted Monday to Friday: `is_estimated` tells the caller, so the page can say the date
may still move when the State Council publishes that year.

Counting, for a day d:

- `add_workdays(d, n)`: the n-th working day after d; d itself never counts, as periods
  are counted in Chinese law (Civil Code art. 201). "Due in 5 working days" from d.
- `period_end(first, n)`: the last day of a period of n working days that begins on
  `first`, counting `first` when it is a working day, as a notice posted on a Monday
  "for 5 working days" runs to Friday. `next_workday(period_end(first, n))` is the
  earliest day for the step after it.
- `workdays_between(a, b)`: the working days after a up to b inclusive, so that
  `workdays_between(d, add_workdays(d, n)) == n`; "due in N working days".

The arrangement is loaded once per process and used until it changes. Whether it
changed is one query on the ~25 CalendarYear rows, asked at most once per request
(and every RECHECK_SECONDS outside requests, for the job worker), so a page computing
thousands of deadlines asks it once and every gunicorn worker sees an edit on its
next request.
"""

import datetime as dt
import itertools
import time
from bisect import bisect_right

from gonghui.calendar.models import CalendarDay, CalendarYear

RECHECK_SECONDS = 10.0


def _weekdays_through(ordinal):
    """Mondays to Fridays from 0001-01-01 (a Monday, ordinal 1) up to `ordinal` inclusive."""
    weeks, rest = divmod(ordinal, 7)
    return 5 * weeks + min(rest, 5)


class Calendar:
    """One loaded state of the calendar; immutable, so every worker thread can share it."""

    def __init__(self, version, years, days):
        self.version = version
        self.years = frozenset(years)
        self._days = dict(days)  # date → is_workday, for the days the arrangements name
        # The days that depart from Monday–Friday (+1 a weekend worked, −1 a weekday off),
        # with their running sum: counting working days up to any date is then the
        # Monday–Friday formula plus one bisect, so no answer walks day by day.
        changes = sorted(
            (d.toordinal(), 1 if worked else -1)
            for d, worked in self._days.items()
            if worked != (d.weekday() < 5)
        )
        self._marks = [ordinal for ordinal, _ in changes]
        self._shift = list(itertools.accumulate((s for _, s in changes), initial=0))

    def _count(self, ordinal):
        """Working days from the beginning of time up to `ordinal` inclusive."""
        return _weekdays_through(ordinal) + self._shift[bisect_right(self._marks, ordinal)]

    def _first_reaching(self, target, ordinal):
        """The first day by which `target` working days are counted, searched near `ordinal`."""
        lo = hi = ordinal
        step = 8
        while self._count(lo) >= target:
            lo, step = lo - step, step * 2
        while self._count(hi) < target:
            hi, step = hi + step, step * 2
        while hi - lo > 1:  # _count(lo) < target <= _count(hi)
            mid = (lo + hi) // 2
            if self._count(mid) >= target:
                hi = mid
            else:
                lo = mid
        return hi

    def is_workday(self, day):
        worked = self._days.get(day)
        return day.weekday() < 5 if worked is None else worked

    def add_workdays(self, day, n):
        x = day.toordinal()
        if n == 0:
            return dt.date.fromordinal(x)
        # Forward: the day by which n more are counted. Back: the |n|-th before `day`.
        target = self._count(x) + n if n > 0 else self._count(x - 1) + n + 1
        return dt.date.fromordinal(self._first_reaching(target, x))

    def period_end(self, first, n):
        if n < 1:
            raise ValueError("a period lasts at least one working day")
        return self.add_workdays(first - dt.timedelta(days=1), n)

    def next_workday(self, day):
        return self.add_workdays(day, 1)

    def workdays_between(self, a, b):
        return self._count(b.toordinal()) - self._count(a.toordinal())

    def covered_until(self):
        return dt.date(max(self.years), 12, 31) if self.years else None

    def is_estimated(self, first, last=None):
        last = first if last is None else last
        lo, hi = sorted((first.year, last.year))
        return any(year not in self.years for year in range(lo, hi + 1))


class _Cache:
    calendar = None
    checked_at = float("-inf")


def _version():
    return tuple(CalendarYear.objects.order_by("year").values_list("year", "updated_at"))


def calendar():
    """The calendar as the database holds it; loaded again only after a change.

    Loops over many records may hold on to the result and call its methods (the same
    as the functions below) to skip even the freshness check.
    """
    now = time.monotonic()
    loaded = _Cache.calendar
    if loaded is None or now - _Cache.checked_at > RECHECK_SECONDS:
        # Version first, then the days: a change committed in between is then seen as
        # a new version at the next check rather than cached under the old one.
        version = _version()
        if loaded is None or loaded.version != version:
            years = CalendarYear.objects.values_list("year", flat=True)
            days = CalendarDay.objects.values_list("date", "is_workday")
            loaded = _Cache.calendar = Calendar(version, years, days)
        _Cache.checked_at = now
    return loaded


def invalidate(**kwargs):
    """Ask the database whether the calendar changed before the next answer.

    Connected to request_started (another process may have changed it) and called by
    the service that changes it. Cheap: the reload happens only if the version moved.
    """
    _Cache.checked_at = float("-inf")


def is_workday(day: dt.date) -> bool:
    """Whether people work on `day` (a date)."""
    return calendar().is_workday(day)


def add_workdays(day: dt.date, n: int) -> dt.date:
    """The n-th working day after `day`, which never counts; n < 0 counts back, n = 0 is
    `day` itself. `add_workdays(2025-09-30, 1)` is 2025-10-09, after National Day."""
    return calendar().add_workdays(day, n)


def period_end(first: dt.date, n: int) -> dt.date:
    """The last day of a period of n ≥ 1 working days beginning on `first` (counted when
    it is a working day): a notice posted Monday 2025-09-22 for 5 working days ends on
    Friday 2025-09-26; posted on a Saturday, it ends on the Friday after."""
    return calendar().period_end(first, n)


def next_workday(day: dt.date) -> dt.date:
    """The first working day after `day`: the earliest day for the step after a period
    that ended on `day`."""
    return calendar().next_workday(day)


def workdays_between(a: dt.date, b: dt.date) -> int:
    """Working days after a up to b inclusive (negative when b is before a)."""
    return calendar().workdays_between(a, b)


def covered_until() -> dt.date | None:
    """The last day of the last year with an arrangement; later dates are estimates."""
    return calendar().covered_until()


def is_estimated(first: dt.date, last: dt.date | None = None) -> bool:
    """Whether any day from `first` to `last` lies in a year without an arrangement, so
    an answer reaching there was counted Monday to Friday: pass the start and the answer."""
    return calendar().is_estimated(first, last)
