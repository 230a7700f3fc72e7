"""The yearly arrangement of holidays and worked weekends (放假安排), as people enter it.

The State Council publishes next year's arrangement each winter. chinesecalendar carries
the years up to its release and seeds them after every migrate (`seed_from_library`);
a platform administrator enters later years as lines, on the web (/calendar/) or with
`gonghui calendar load`, and may correct any year the same way:

    2027-01-01..2027-01-03 元旦
    2027年2月6日至13日 春节
    2027-02-14 春节调休上班

A line names a day or a range, then what it is: a name with 上班 or 补班 in it marks
weekend days that are worked; any other name marks holidays. Unlisted days follow the
Monday-to-Friday rule, so weekend days inside a holiday may be listed or left out.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.apps import apps as global_apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from gonghui.calendar import workdays
from gonghui.calendar.models import CalendarDay, CalendarYear
from gonghui.core import audit
from gonghui.core.models import AuditEvent
from gonghui.lib.text import clean_text, to_halfwidth

WORKED = ("上班", "补班")
NAME_LENGTH = CalendarDay._meta.get_field("name").max_length
_DAY = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?"
# The last day of a range may leave out its year, or year and month: 2月6日至13日.
_LAST_DAY = r"(?:(\d{4})\s*[-/.年]\s*)?(?:(\d{1,2})\s*[-/.月]\s*)?(\d{1,2})\s*[日号]?"
_LINE = re.compile(rf"{_DAY}(?:\s*(?:\.\.|~|-|—|至|到)\s*{_LAST_DAY})?(?!\d)\s*(.*)")
# chinesecalendar's short names, as the State Council's notices write them.
_LIBRARY_NAMES = {"清明": "清明节", "端午": "端午节", "中秋": "中秋节"}


@dataclass(frozen=True)
class Day:
    date: dt.date
    is_workday: bool
    name: str


@dataclass(frozen=True)
class Run:
    """Consecutive days of one name: one line of the arrangement."""

    first: dt.date
    last: dt.date
    name: str
    is_workday: bool

    @property
    def length(self):
        return (self.last - self.first).days + 1

    @property
    def text(self):
        when = str(self.first) if self.first == self.last else f"{self.first}..{self.last}"
        return f"{when} {self.name}"


def runs(days):
    """Days (anything with date, is_workday and name) as the lines they are entered as."""
    found = []
    for day in sorted(days, key=lambda d: d.date):
        last = found[-1] if found else None
        if (
            last
            and (last.name, last.is_workday) == (day.name, day.is_workday)
            and day.date == last.last + dt.timedelta(days=1)
        ):
            found[-1] = Run(last.first, day.date, day.name, day.is_workday)
        else:
            found.append(Run(day.date, day.date, day.name, day.is_workday))
    return found


def as_text(days):
    return "\n".join(run.text for run in runs(days))


def _date(year, month, day, shown):
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        raise ValueError(_("%(value)s is not a date that exists.") % {"value": shown}) from None


def _read_line(line, year):
    """The days one line names; ValueError with the reason otherwise."""
    match = _LINE.fullmatch(line)
    if not match:
        raise ValueError(
            _("cannot read “%(text)s”: write a date or a range, then a name, like %(example)s.")
            % {"text": line, "example": "2027-02-06..2027-02-13 春节"}
        )
    y, m, d, last_y, last_m, last_d, name = match.groups()
    first = _date(y, m, d, f"{y}-{m}-{d}")
    last = first
    if last_d:
        last_y, last_m = last_y or y, last_m or m
        last = _date(last_y, last_m, last_d, f"{last_y}-{last_m}-{last_d}")
    if not name:
        raise ValueError(_("name the days, like 元旦 or 调休上班."))
    if len(name) > NAME_LENGTH:
        raise ValueError(_("the name is longer than %(n)d characters.") % {"n": NAME_LENGTH})
    for day in (first, last):
        if day.year != year:
            raise ValueError(_("%(date)s is not in %(year)d.") % {"date": day, "year": year})
    if last < first:
        raise ValueError(_("the range ends on %(last)s, before it begins.") % {"last": last})
    worked = any(word in name for word in WORKED)
    days = [Day(first + dt.timedelta(days=i), worked, name) for i in range((last - first).days + 1)]
    weekday = next((day.date for day in days if worked and day.date.weekday() < 5), None)
    if weekday:
        raise ValueError(
            _("%(date)s is a %(weekday)s and a working day anyway: only a Saturday or Sunday "
              "is worked in lieu (调休上班).")
            % {"date": weekday, "weekday": formats.date_format(weekday, "l")}
        )  # fmt: skip
    return days


def parse(text, year):
    """The days the lines name, in order; ValidationError on `lines` naming each bad line.

    Blank lines and lines starting with # are skipped. A day on two lines is an error,
    whether the lines agree (listed twice) or not (a holiday and a working day).
    """
    errors, days, seen = [], [], {}
    for number, raw in enumerate(str(text or "").splitlines(), 1):
        line = clean_text(to_halfwidth(raw))
        if not line or line.startswith("#"):
            continue
        try:
            line_days = _read_line(line, year)
            for day in line_days:
                if day.date in seen:
                    earlier = seen[day.date]
                    raise ValueError(
                        _("%(date)s is already on line %(earlier)d, as %(kind)s.")
                        % {"date": day.date, "earlier": earlier[0], "kind": _kind(earlier[1])}
                    )
        except ValueError as e:
            errors.append(_("Line %(line)d: %(message)s") % {"line": number, "message": e})
            continue
        seen.update((day.date, (number, day)) for day in line_days)
        days += line_days
    if not errors and not days:
        errors.append(_("No line names a day: enter the year's holidays."))
    if errors:
        raise ValidationError({"lines": errors})
    return sorted(days, key=lambda d: d.date)


def _kind(day):
    return _("a working day") if day.is_workday else _("a holiday")


def next_year():
    """The year an administrator may add: the one after the last the calendar covers."""
    last = CalendarYear.objects.aggregate(last=Max("year"))["last"]
    return last + 1 if last else timezone.localdate().year


def require_admin(actor):
    """Only platform administrators change the calendar (SYSTEM is the operator at the CLI)."""
    if actor is not None and not (actor.is_active and actor.is_platform_admin):
        raise PermissionDenied(_("Only platform administrators change the working-day calendar."))


def _state(days, note):
    """What the audit trail keeps of a year: its lines on one line, and the notice."""
    return {"days": "；".join(run.text for run in runs(days)), "note": note}


@transaction.atomic
def save_year(actor, year, text, note=""):
    """Replace `year`'s arrangement with the days `text` names: all of it or nothing.

    A year the calendar covers may be corrected; a new one must follow the last covered
    year, so the covered years stay one unbroken run and `covered_until` means what it
    says. Audited; every server process reloads the calendar on its next request.
    """
    require_admin(actor)
    record = CalendarYear.objects.select_for_update().filter(year=year).first()
    expected = next_year()
    if record is None and year != expected:
        raise ValidationError(
            {"year": _("The calendar runs to %(last)d: add %(next)d first.")
             % {"last": expected - 1, "next": expected}}
        )  # fmt: skip
    days = parse(text, year)
    before = _state(record.days.all(), record.note) if record else {}
    after = _state(days, clean_text(note)[:200])
    if before == after:
        return record
    action = AuditEvent.Action.UPDATE if record else AuditEvent.Action.CREATE
    record = record or CalendarYear(year=year)
    record.source = CalendarYear.Source.ADMINISTRATOR
    record.note = after["note"]
    record.updated_by = actor if actor is not None and actor.pk else None
    record.save()  # a new updated_at: the version every process compares
    record.days.all().delete()
    CalendarDay.objects.bulk_create(
        CalendarDay(year=record, date=d.date, is_workday=d.is_workday, name=d.name) for d in days
    )
    audit.record(action, record, actor=actor, changes=audit.diff(before, after))
    workdays.invalidate()
    return record


def library_days():
    """chinesecalendar's holidays and worked weekends, by year, named in Chinese."""
    from chinese_calendar.constants import Holiday, holidays
    from chinese_calendar.constants import workdays as worked

    def name(value):
        chinese = Holiday(value).chinese
        return _LIBRARY_NAMES.get(chinese, chinese)

    by_year = {}
    for date, value in holidays.items():
        by_year.setdefault(date.year, []).append(Day(date, False, name(value)))
    for date, value in worked.items():
        by_year.setdefault(date.year, []).append(Day(date, True, f"{name(value)}调休上班"))
    return by_year


def seed_from_library(apps=global_apps, using="default", **kwargs):
    """Add each year chinesecalendar covers that the table lacks; a year present is left
    alone, as an administrator may have corrected it. Connected to post_migrate, so fresh
    installs, test databases and flushed ones get the calendar, and a newer library's
    years arrive with the next migrate."""
    try:
        Year = apps.get_model("calendar", "CalendarYear")
        DayRow = apps.get_model("calendar", "CalendarDay")
    except LookupError:
        return  # migrated back to before the calendar existed
    present = set(Year.objects.using(using).values_list("year", flat=True))
    missing = {y: days for y, days in library_days().items() if y not in present}
    if not missing:
        return
    with transaction.atomic(using=using):
        rows = []
        for year, days in sorted(missing.items()):
            record = Year.objects.using(using).create(year=year, source="library")
            rows += [DayRow(year=record, date=d.date, is_workday=d.is_workday, name=d.name)
                     for d in days]  # fmt: skip
        DayRow.objects.using(using).bulk_create(rows)
    workdays.invalidate()
