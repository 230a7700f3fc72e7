from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.core.scope import require_editor
from gonghui.jobs import exporting, registry, runner
from gonghui.jobs.forms import ImportForm
from gonghui.jobs.models import Job
from gonghui.lib.tabular import template_xlsx


def _subject(subject):
    if not registry.has_importer(subject):
        raise Http404
    return registry.importer(subject)


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
        job = runner.start(request.user, Job.Kind.IMPORT, subject, options, upload=data["file"])
        return redirect(job)
    return render(
        request,
        "jobs/import.html",
        {"form": form, "subject": subject, "title": importer.title, "columns": importer.columns},
    )


@login_required
def import_template(request, subject):
    """The empty roster for this kind of record, with our headers and a sheet of notes."""
    importer = _subject(subject)
    folder = runner.template_folder()
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
    if not registry.has_exporter(subject):
        raise Http404
    fmt = request.POST.get("format", "xlsx")
    reason = request.POST.get("reveal_reason", "")
    options = {"query": request.GET.urlencode(), "format": fmt, "reveal": bool(reason.strip()),
               "reveal_reason": reason}  # fmt: skip
    try:
        options = exporting.check_options(request.user, options, registry.exporter(subject))
    except ValidationError as e:
        for message in e.messages:
            messages.error(request, message)
        return redirect(request.META.get("HTTP_REFERER") or "home")
    name = runner.export_file_name(subject, options["format"])
    job = runner.start(request.user, Job.Kind.EXPORT, subject, options, file_name=name)
    return redirect(job)


@login_required
def job_list(request):
    recent = Job.objects.visible_to(request.user).order_by("-created_at")[:100]
    return render(request, "jobs/job_list.html", {"jobs": recent})


@login_required
def job_detail(request, pk):
    job = get_object_or_404(Job.objects.visible_to(request.user), pk=pk)
    if job.finished and job.seen_at is None and job.user_id == request.user.pk:
        # Off the home page's to-do; update() so a worker's last write is not overwritten.
        Job.objects.filter(pk=job.pk).update(seen_at=timezone.now())
    context = {
        "job": job,
        "result": runner.result_rows(job),
        "retention_days": settings.GONGHUI_FILE_RETENTION_DAYS,
        "can_cancel": not job.finished and job.user_id == request.user.pk,
    }
    return render(request, "jobs/job.html", context)


@login_required
@require_POST
def job_cancel(request, pk):
    """Stop one's own job (another user's answers 404, as its page does)."""
    job = get_object_or_404(Job.objects.filter(user=request.user), pk=pk)
    try:
        job = runner.cancel(request.user, job)
    except ValidationError as e:
        messages.error(request, e.messages[0])
    else:
        if job.status == Job.Status.CANCELLED:
            messages.success(request, _("The job is cancelled."))
        else:
            messages.success(request, _("The job stops at its next step; nothing of it is kept."))
    return redirect(job)


@login_required
def job_file(request, pk):
    """The job's error report or export, to its own user only."""
    job = get_object_or_404(Job.objects.visible_to(request.user), pk=pk)
    return runner.download(request, job)
