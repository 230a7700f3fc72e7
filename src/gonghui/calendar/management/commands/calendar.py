"""gonghui calendar show [YEAR] | gonghui calendar load YEAR FILE [--note TEXT] [--user NAME]"""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gonghui.calendar import holidays, workdays
from gonghui.calendar.models import CalendarYear
from gonghui.core.context import request_context
from gonghui.core.management.actors import command_actor


class Command(BaseCommand):
    help = (
        "The working-day calendar: `calendar show` lists its years, `calendar show YEAR` "
        "prints a year's lines, `calendar load YEAR FILE` enters or corrects a year from "
        "lines such as `2027-02-06..2027-02-13 春节` (the form `show YEAR` prints)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        show = sub.add_parser("show", help="list the years, or print one year's lines")
        show.add_argument("year", nargs="?", type=int)
        load = sub.add_parser("load", help="enter or correct a year's arrangement")
        load.add_argument("year", type=int)
        load.add_argument("file", type=Path, help="UTF-8 or GB18030 text, one day or range a line")
        load.add_argument("--note", default="", help="the State Council's notice")
        load.add_argument("--user", help="a platform administrator to record as the author")

    def handle(self, *args, action, **options):
        if action == "show":
            self.show(options["year"])
        else:
            self.load(options["year"], options["file"], options["note"], options["user"])

    def show(self, year):
        if year is None:
            for record in CalendarYear.objects.order_by("year"):
                self.stdout.write(f"{record.year}  {record.get_source_display()}  {record.note}")
            until = workdays.covered_until()
            if until:
                self.stdout.write(_("Covered until %(date)s.") % {"date": until})
            return
        record = CalendarYear.objects.filter(year=year).first()
        if record is None:
            raise CommandError(_("%(year)d is not in the calendar.") % {"year": year})
        self.stdout.write(holidays.as_text(record.days.all()))

    def load(self, year, file, note, username):
        if not file.is_file():
            raise CommandError(_("No such file: %(file)s") % {"file": file})
        data = file.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("gb18030", errors="replace")
        actor = command_actor(username)
        try:
            with request_context(via="cli"):
                holidays.save_year(actor, year, text, note)
        except PermissionDenied as e:
            raise CommandError(str(e)) from e
        except ValidationError as e:
            for message in e.messages:
                self.stderr.write(message)
            raise CommandError(_("Nothing was saved.")) from e
        self.stdout.write(_("The calendar for %(year)d is saved.") % {"year": year})
