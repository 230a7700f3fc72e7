from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.core import exporting, holidays, jobs, workdays
from gonghui.core.forms import CalendarYearForm, ImportForm
from gonghui.core.models import CalendarYear, Job
from gonghui.core.scope import require_editor
from gonghui.core.tabular import template_xlsx
from gonghui.core.timeline import timeline
from gonghui.unions.models import Employer, TradeUnion


@login_required
def home(request):
    """The counts of the user's subtree: unions by kind, employers in its territory and how
    many of those with 25+ employees have a union (建会率)."""
    unions = TradeUnion.objects.visible_to(request.user).active()
    by_kind = dict(unions.order_by().values_list("kind").annotate(n=Count("pk")))
    employers = Employer.objects.in_territory_of(request.user).aggregate(
        total=Count("pk"),
        large=Count("pk", filter=Q(employee_count__gte=25)),
        large_with_union=Count(
            "pk", filter=Q(employee_count__gte=25, covering_union__isnull=False)
        ),
    )
    rate = employers["large_with_union"] / employers["large"] if employers["large"] else None
    kinds = [(label, by_kind.get(value, 0)) for value, label in TradeUnion.Kind.choices]
    return render(
        request,
        "core/home.html",
        {
            "union_total": sum(by_kind.values()),
            "kinds": kinds,
            "employers": employers,
            "formation_rate": rate,
        },
    )


def form_page(request, form, title, obj=None, submit=None):
    """A page with one service form (create, edit, move ...) under a title."""
    return render(
        request,
        "core/form.html",
        {"form": form, "title": title, "object": obj, "submit": submit or _("Save")},
    )


def wants_json(request):
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    if wants_json(request):
        return JsonResponse(
            {"code": "not_found", "field": None, "message": _("No such record.")}, status=404
        )
    return render(request, "404.html", status=404)


def server_error(request):
    if wants_json(request):
        message = _("Internal error. It has been logged; quote the X-Request-ID header.")
        return JsonResponse({"code": "server_error", "field": None, "message": message}, status=500)
    return render(request, "500.html", status=500)


def _subject(subject):
    if subject not in jobs.IMPORTERS:
        raise Http404
    return jobs.importer(subject)


@login_required
def import_start(request, subject):
    """Upload a roster; the import runs as a job whose page shows its progress."""
    importer = _subject(subject)
    require_editor(request.user)
    union = request.user.union
    form = ImportForm(request.POST or None, request.FILES or None,
                      initial={"union": union.code if union else ""})  # fmt: skip
    form.fields["union"].help_text = importer.union_help
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        options = {"union": data["union"], "skip_invalid": data["skip_invalid"]}
        job = jobs.start(request.user, Job.Kind.IMPORT, subject, options, upload=data["file"])
        return redirect(job)
    return render(
        request,
        "core/import.html",
        {"form": form, "subject": subject, "title": importer.title, "columns": importer.columns},
    )


@login_required
def import_template(request, subject):
    """The empty roster for this kind of record, with our headers and a sheet of notes."""
    importer = _subject(subject)
    folder = jobs.template_folder()
    path = folder / f"{subject}.xlsx"
    # str(): openpyxl refuses a lazy translation.
    template_xlsx(path, importer.columns, example=importer.example, title=str(importer.title))
    return FileResponse(
        open(path, "rb"), as_attachment=True, filename=f"{importer.title}（模板）.xlsx"
    )


@login_required
@require_POST
def export_start(request, subject):
    """Export the list the user is looking at (its query string) as a job."""
    if subject not in jobs.EXPORTERS:
        raise Http404
    fmt = request.POST.get("format", "xlsx")
    reason = request.POST.get("reveal_reason", "")
    options = {"query": request.GET.urlencode(), "format": fmt, "reveal": bool(reason.strip()),
               "reveal_reason": reason}  # fmt: skip
    try:
        options = exporting.check_options(request.user, options, jobs.exporter(subject))
    except ValidationError as e:
        for message in e.messages:
            messages.error(request, message)
        return redirect(request.META.get("HTTP_REFERER") or "home")
    name = jobs.export_file_name(subject, options["format"])
    job = jobs.start(request.user, Job.Kind.EXPORT, subject, options, file_name=name)
    return redirect(job)


@login_required
def job_list(request):
    recent = Job.objects.visible_to(request.user).order_by("-created_at")[:100]
    return render(request, "core/job_list.html", {"jobs": recent})


@login_required
def job_detail(request, pk):
    job = get_object_or_404(Job.objects.visible_to(request.user), pk=pk)
    context = {
        "job": job,
        "result": jobs.result_rows(job),
        "retention_days": settings.GONGHUI_FILE_RETENTION_DAYS,
    }
    return render(request, "core/job.html", context)


@login_required
def job_file(request, pk):
    """The job's error report or export, to its own user only."""
    job = get_object_or_404(Job.objects.visible_to(request.user), pk=pk)
    return jobs.download(request, job)


@login_required
def calendar_years(request):
    """The years the working-day calendar covers; deadlines after the last are estimates."""
    years = CalendarYear.objects.select_related("updated_by").annotate(
        holidays=Count("days", filter=Q(days__is_workday=False)),
        worked=Count("days", filter=Q(days__is_workday=True)),
    )
    return render(
        request,
        "core/calendar.html",
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
        "core/calendar_year.html",
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
