"""Exporting a list as the user sees it: the same FilterSet as the web list and the API,
within the user's scope, streamed to xlsx or csv in batches by primary key, so a million
rows neither time out (it runs as a job) nor fill memory.

ID-card and phone numbers are masked, unless the user holds the permission and gives a
reason: then the export is logged in the reveal log with the number of persons in it.
"""

from types import SimpleNamespace

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _

from gonghui.core import audit, files
from gonghui.core.models import AuditEvent
from gonghui.core.scope import actor_or_system
from gonghui.jobs import registry
from gonghui.jobs.runner import JobRefused
from gonghui.lib.tabular import write_csv, write_xlsx
from gonghui.lib.text import clean_text

FORMATS = ("xlsx", "csv")
BATCH = 2000


def check_options(user, options, exporter):
    """Refuse what cannot be exported before a job is queued: an unknown format, whole
    numbers without the permission or a reason, or from a list that has none."""
    errors = {}
    if options.get("format", "xlsx") not in FORMATS:
        errors["format"] = _("Choose xlsx or csv.")
    reason = clean_text(options.get("reveal_reason", ""))
    if options.get("reveal") and not hasattr(exporter, "log_reveal"):
        errors["reveal_reason"] = _("This list holds no ID-card or phone numbers.")
    elif options.get("reveal"):
        if not user.has_perm("accounts.reveal_id_number"):
            raise PermissionDenied(_("Your account may not see whole ID-card or phone numbers."))
        if len(reason) < 2:
            errors["reveal_reason"] = _("Say why you need the whole numbers.")
    if errors:
        raise ValidationError(errors)
    return {**options, "reveal_reason": reason}


def rows_in_batches(queryset):
    """The queryset's rows in primary-key order, a batch at a time (keyset pagination:
    each batch is one indexed query, however deep into the table)."""
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not batch:
            return
        yield from batch
        last = batch[-1].pk


def run_job(job, progress):
    """The work of an "export" job: its subject's registered exporter writes the list."""
    return run(job, progress, registry.exporter(job.subject))


def cleanup(job):
    """A half-written export of a job that did not finish (cancelled, or died)."""
    for fmt in FORMATS:
        (job.folder / f"export.{fmt}").unlink(missing_ok=True)


def run(job, progress, exporter):
    """Write the job's export; returns the result (the file and the row count)."""
    user = actor_or_system(job.user)
    options = job.options
    filterset = exporter.filterset(
        QueryDict(options.get("query", "")),
        exporter.queryset(user),
        request=SimpleNamespace(user=user),  # union codes in filters are looked up in scope
    )
    if not filterset.is_valid():
        messages = [f"{k}: {' '.join(v)}" for k, v in filterset.errors.items()]
        raise JobRefused(_("The filter is not valid: %(errors)s") % {"errors": "; ".join(messages)})
    queryset = filterset.qs
    progress.set_total(queryset.count())
    reveal = bool(options.get("reveal"))
    fmt = options.get("format", "xlsx")
    name = f"export.{fmt}"
    files.private_folder(job.folder)
    columns = exporter.columns(reveal)
    headers = [header for header, _get in columns]

    def rows():
        for n, obj in enumerate(rows_in_batches(queryset), 1):
            yield [get(obj) for _h, get in columns]
            if n % BATCH == 0:
                progress.advance(BATCH)

    if fmt == "xlsx":
        count = write_xlsx(
            files.private_file(job.folder / name),
            headers,
            rows(),
            text_columns=exporter.text_columns(reveal),
            sheet_title=str(exporter.title),  # named for what it holds, not Sheet1
        )
    else:
        count = write_csv(files.private_file(job.folder / name), headers, rows())
    progress.advance(count - progress.done)
    if reveal:
        exporter.log_reveal(user, job, count)
    note = _("%(count)d rows of %(subject)s; filter: %(query)s") % {
        "count": count,
        "subject": exporter.title,
        "query": options.get("query") or "—",
    }
    if reveal:
        note += _("; whole numbers, because: %(reason)s") % {"reason": options["reveal_reason"]}
    actor_name = None if job.user else "cli"
    audit.record(AuditEvent.Action.EXPORT, job, actor=job.user, actor_name=actor_name, note=note)
    return {"exported": count, "file": name}


registry.register_kind("export", run_job, queue=registry.DEFAULT, cleanup=cleanup)
