from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gonghui.calendar import holidays, workdays
from gonghui.calendar.forms import CalendarYearForm
from gonghui.calendar.models import CalendarYear
from gonghui.core.timeline import timeline


@login_required
def calendar_years(request):
    """The years the working-day calendar covers; deadlines after the last are estimates."""
    years = CalendarYear.objects.select_related("updated_by").annotate(
        holidays=Count("days", filter=Q(days__is_workday=False)),
        worked=Count("days", filter=Q(days__is_workday=True)),
    )
    return render(
        request,
        "calendar/calendar.html",
        {
            "years": years.order_by("-year"),
            "covered_until": workdays.covered_until(),
            "next_year": holidays.next_year(),
        },
    )


@login_required
def calendar_year(request, year):
    """A year's holidays and worked weekends; platform administrators correct them here
    and enter the next year when the State Council publishes it."""
    record = CalendarYear.objects.select_related("updated_by").filter(year=year).first()
    can_edit = request.user.is_platform_admin
    if record is None and not (can_edit and year == holidays.next_year()):
        raise Http404
    if request.method == "POST":
        holidays.require_admin(request.user)
    days = list(record.days.all()) if record else []
    form = None
    if can_edit:
        initial = {"lines": holidays.as_text(days), "note": record.note if record else ""}
        form = CalendarYearForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            saved = form.run(
                lambda data, _c: holidays.save_year(request.user, year, data["lines"], data["note"])
            )
            if saved:
                messages.success(request, _("The calendar for %(year)d is saved.") % {"year": year})
                return redirect(saved)
    return render(
        request,
        "calendar/calendar_year.html",
        {
            "year": year,
            "record": record,
            "runs": holidays.runs(days),
            "form": form,
            "events": timeline(record, labels={"days": _("holidays and worked weekends")})
            if record
            else [],
        },
    )
