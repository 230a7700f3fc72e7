"""Web pages for help to workers in hardship: the file list and page with the steps of
a file's life, the new-file form with the household as rows, assistance records (one,
or a campaign's distribution list pasted from Excel), campaigns with their money, and
the worklist of what falls due. Thin: every change goes through the services."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import (
    DecimalField,
    OuterRef,
    Subquery,
    Sum,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.assistance import forms as f
from gonghui.assistance import reminders
from gonghui.assistance.filters import AssistanceRecordFilter, CampaignFilter, HardshipFileFilter
from gonghui.assistance.models import AssistanceRecord, Campaign, HardshipFile, HouseholdMember
from gonghui.assistance.services import campaigns as campaign_services
from gonghui.assistance.services import files, records
from gonghui.assistance.workflow import HARDSHIP_FILE
from gonghui.calendar import workdays
from gonghui.core import crypto, masking
from gonghui.core import values as read
from gonghui.core.listing import Listing
from gonghui.core.scope import require_editor
from gonghui.core.timeline import timeline
from gonghui.core.validation import Errors
from gonghui.unions.models import TradeUnion

FILE_SORTS = {
    "number": ("id",),
    "head": ("head__name_pinyin",),
    "union": ("union__code",),
    "category": ("category",),
    "status": ("status",),
    "income": ("income_per_head",),
    "applied_on": ("applied_on",),
}
RECORD_SORTS = {
    "given_on": ("given_on",),
    "name": ("name",),
    "kind": ("kind",),
    "amount": ("amount",),
    "campaign": ("campaign__name",),
    "union": ("union__code",),
}
CAMPAIGN_SORTS = {
    "name": ("name",),
    "year": ("year", "-starts_on"),
    "season": ("season",),
    "union": ("union__code",),
    "starts_on": ("starts_on",),
    "budget": ("budget",),
}
Status = HardshipFile.Status
MONEY = DecimalField(max_digits=14, decimal_places=2)
ZERO = Decimal("0.00")


def editor(request):
    """The acting user, if their role may change records (else 403: the record is in scope)."""
    require_editor(request.user)
    return request.user


def visible_file(request, pk):
    qs = HardshipFile.objects.visible_to(request.user).select_related(
        "head", "union", "reopens", "created_by"
    )
    return get_object_or_404(qs, pk=pk)


def visible_campaign(request, pk):
    qs = Campaign.objects.visible_to(request.user).select_related("union", "parent__union")
    return get_object_or_404(qs, pk=pk)


def back_to(request, default):
    """The page a form was posted from (`next`), if it is one of ours."""
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


# --- deadlines as the page shows them ---------------------------------------------------


@dataclass
class Notice:
    """A public notice (公示) as the page shows it: its days, counted in working days, and
    the first day for the step after it."""

    starts: dt.date
    until: dt.date
    next_step_from: dt.date

    @property
    def workdays(self):
        return workdays.workdays_between(self.starts - dt.timedelta(days=1), self.until)

    @property
    def estimated(self):
        return workdays.is_estimated(self.starts, self.next_step_from)

    @property
    def workdays_left(self):
        """Working days from today to the first day of the next step (0: it may be taken)."""
        return max(workdays.workdays_between(read.today(), self.next_step_from), 0)

    @classmethod
    def of(cls, starts, until):
        if starts is None or until is None:
            return None
        return cls(starts, until, workdays.next_workday(until))

    @classmethod
    def posted(cls, starts, days=files.NOTICE_WORKDAYS):
        return cls.of(starts, workdays.period_end(starts, days))


def next_due(file, on):
    """The earliest thing this file needs, as the worklist counts it (or None)."""
    reminder = reminders.first_due(file, on)
    return reminder and with_days(reminder)


def with_days(reminder):
    """The reminder with `days`, its working days left or overdue, as a count to show."""
    reminder.days = abs(reminder.workdays_left)
    return reminder


# --- the steps of a file ----------------------------------------------------------------


def _step_form(step, bound=None):
    """The step's form, bound as posted or with today's date, and the help it needs."""
    initial = {step.dated: read.today().isoformat()} if step.dated else {}
    form = bound or step.form(prefix=step.name, initial=initial)
    if "workdays" in form.fields:  # a public notice: when it would end if posted today
        form.preview = Notice.posted(read.today())
    return form


def _file_page(request, file, bound=None):
    """The file: household (masked), dates and deadlines, visits, assistance, clashes,
    the steps the user may take now, and the history."""
    user = request.user
    on = read.today()
    household = list(file.household.all())
    for m in household:
        m.age = masking.age_on(m.birth_date, on)
    clashes = []
    if file.is_open:
        clashes = list(
            HouseholdMember.objects.filter(
                id_number_index__in=[m.id_number_index for m in household],
                file__status__in=HardshipFile.OPEN,
            )
            .exclude(file=file)
            .select_related("file__union")
        )
        visible = set(
            HardshipFile.objects.visible_to(user)
            .filter(pk__in=[c.file_id for c in clashes])
            .values_list("pk", flat=True)
        )
        for c in clashes:
            c.visible = c.file_id in visible
    steps = []
    if user.can_edit:
        bound = bound or {}
        main = HARDSHIP_FILE.main.get(file.status)
        for step in HARDSHIP_FILE.available(file):
            form = _step_form(step, bound.get(step.name))
            unfolded = step.name == main or step.name in bound
            steps.append(
                {"slug": step.name, "title": step.title(file), "button": step.button,
                 "form": form, "open": unfolded, "danger": step.name == "remove"}
            )  # fmt: skip
    causes = dict(HardshipFile.Cause.choices)
    reopened_by = HardshipFile.objects.visible_to(user).filter(reopens=file).first()
    return render(
        request,
        "assistance/file_detail.html",
        {
            "file": file,
            "household": household,
            "other_causes": [causes.get(c, c) for c in file.other_causes],
            "notice": Notice.of(file.notice_from, file.notice_until),
            "exit_notice": Notice.of(file.exit_notice_from, file.exit_notice_until),
            "due": next_due(file, on) if file.is_open else None,
            "visits": file.visits.select_related("recorded_by"),
            "records": AssistanceRecord.objects.visible_to(user)
            .filter(file=file)
            .select_related("campaign", "union"),
            "clashes": clashes,
            "reopened_by": reopened_by,
            "steps": steps,
            "events": timeline(file),
        },
    )


@login_required
def file_list(request):
    visible = HardshipFile.objects.visible_to(request.user).select_related("head", "union")
    filterset = HardshipFileFilter(request.GET, visible, request=request)
    qs = filterset.qs if filterset.is_valid() else visible.none()
    listing = Listing(request, qs, sorts=FILE_SORTS, default="-applied_on")
    on = read.today()
    for file in listing.page:
        file.due = next_due(file, on) if file.is_open else None
    return render(
        request,
        "assistance/file_list.html",
        {"filterset": filterset, "page": listing.page, "listing": listing},
    )


@login_required
def file_new(request):
    """申请建档: the head by ID number, the household as rows."""
    actor = editor(request)
    posted = request.method == "POST"
    more = posted and "more_rows" in request.POST
    form = f.FileForm(request.POST if posted else None, initial={"applied_on": read.today()})
    formset = f.household_formset(request.POST if posted else None, more=3 if more else 0)
    if posted and not more and form.is_valid() and formset.is_valid():
        file = f.run_file_form(form, formset, lambda data: files.apply(actor, data))
        if file:
            messages.success(
                request,
                _("File %(id)s opened for %(name)s; next: the review.")
                % {"id": file.pk, "name": file.head.name},
            )
            return redirect(file)
    return render(request, "assistance/file_new.html", {"form": form, "formset": formset})


def _edit_data(file, members, data):
    """What `files.update` takes: the description on file (numbers whole, server-side
    only) with what the user changed. Members on file keep their stored ID number (by
    the line's member pk, checked to be of this file); removed ones are left out by
    run_file_form; an empty bank card keeps the one on file."""
    merged = files.description(file)
    merged.pop("head_id_number", None)
    card = merged.get("bank_card", "")
    whole = {
        str(m.pk): row["id_number"]
        for m, row in zip(members.values(), merged["household"], strict=True)
    }
    merged.update(data)
    if not str(data.get("bank_card") or "").strip():
        merged["bank_card"] = card
    rows = []
    for row in data["household"]:
        row = dict(row)
        pk = row.pop("member", "")
        row.pop("remove", None)
        if pk:
            row["id_number"] = whole[pk]  # the form refused a pk not of this file
        rows.append(row)
    merged["household"] = rows
    return merged


@login_required
def file_edit(request, pk):
    """Correct an open file's description and household (annual review, a newborn, a new
    job, a new bank card). Whole ID and card numbers stay on the server."""
    file = visible_file(request, pk)
    actor = editor(request)
    if not file.is_open:
        messages.error(
            request,
            _("Not possible while the file is %(status)s.") % {"status": file.get_status_display()},
        )
        return redirect(file)
    prefetch_related_objects([file], "household")
    members = {
        str(m.pk): m for m in file.household.all() if m.relation != HouseholdMember.Relation.SELF
    }
    posted = request.method == "POST"
    more = posted and "more_rows" in request.POST
    initial = None
    if not posted:
        initial = {k: v for k, v in files.description(file).items() if k != "household"}
        initial.pop("head_id_number", None)
        initial.pop("bank_card", None)  # never to the page
    form = f.FileEditForm(
        request.POST if posted else None, initial=initial, card_masked=file.bank_card_masked
    )
    formset = f.household_formset(
        request.POST if posted else None, more=3 if more else 0, members=members
    )
    if posted and not more and form.is_valid() and formset.is_valid():
        done = f.run_file_form(
            form,
            formset,
            lambda data: files.update(actor, file, _edit_data(file, members, data)),
        )
        if done:
            messages.success(request, _("The household's description is corrected."))
            return redirect(file)
    return render(
        request, "assistance/file_new.html", {"form": form, "formset": formset, "file": file}
    )


@login_required
def file_detail(request, pk):
    return _file_page(request, visible_file(request, pk))


@login_required
def file_step(request, pk, step):
    """One step of the file's life, posted from the file page."""
    file = visible_file(request, pk)
    spec = HARDSHIP_FILE.get(step)
    if spec is None:
        raise Http404
    if request.method != "POST":
        return redirect(file)
    actor = editor(request)
    if not spec.takes_from(file):
        messages.error(
            request,
            _("Not possible while the file is %(status)s.") % {"status": file.get_status_display()},
        )
        return redirect(file)
    form = spec.form(request.POST, prefix=step)
    if form.is_valid():
        result = form.run(lambda data, _c: spec.service(actor, file, data))
        if result:
            messages.success(request, spec.done)
            return redirect(result if spec.creates else file)
    return _file_page(request, visible_file(request, pk), bound={step: form})


@login_required
def reminder_list(request):
    """待办提醒: what the files in the user's scope need next, most urgent first."""
    found = reminders.for_user(request.user)
    listing = Listing(request, found, per_page=100)  # most urgent first, as found
    for reminder in listing.page:
        with_days(reminder)
    overdue = sum(1 for r in found if r.overdue)
    return render(
        request,
        "assistance/reminders.html",
        {"page": listing.page, "listing": listing, "overdue": overdue,
         "window": reminders.WINDOW_WORKDAYS},
    )  # fmt: skip


# --- assistance records -----------------------------------------------------------------


def campaign_choices(user):
    """Campaigns a record of the user's union may count against: its own, this year and
    last (a platform administrator: the top-level campaigns)."""
    qs = Campaign.objects.visible_to(user).select_related("union")
    qs = qs.filter(year__gte=read.today().year - 1)
    qs = qs.filter(union=user.union) if user.union_id else qs.filter(parent__isnull=True)
    return list(qs.order_by("-year", "name")[:200])


@login_required
def record_new(request):
    """帮扶记录: one payment or gift; `?file=` records it for a file's household."""
    actor = editor(request)
    file_id = request.GET.get("file") or request.POST.get("file") or ""
    file = None
    if file_id:
        if not str(file_id).isdigit():
            raise Http404
        file = visible_file(request, file_id)
    initial = {"given_on": read.today().isoformat()}
    if request.GET.get("campaign"):
        initial["campaign"] = request.GET["campaign"]
    form = f.RecordForm(
        request.POST or None, file=file, campaigns=campaign_choices(actor), initial=initial
    )
    if request.method == "POST" and form.is_valid():

        def call(data, _confirm):
            chosen = form.household.get(data.pop("member", "") or "")
            if chosen is not None:
                data["name"] = data.get("name") or chosen.name
                data["id_number"] = crypto.decrypt(chosen.id_number_encrypted)
            if file is not None:
                data["file"] = file
            return records.record(actor, data)

        record = form.run(call)
        if record:
            messages.success(
                request,
                _("Recorded: %(name)s, %(what)s.")
                % {"name": record.name, "what": amount_text(record)},
            )
            return redirect(file or reverse("assistance:records"))
    return render(request, "assistance/record_new.html", {"form": form, "file": file})


def amount_text(record):
    parts = []
    if record.amount:
        parts.append(_("%(amount)s yuan") % {"amount": record.amount})
    if record.goods:
        parts.append(record.goods)
    return "，".join(parts)


@login_required
def record_list(request):
    visible = AssistanceRecord.objects.visible_to(request.user).select_related(
        "union", "campaign", "file"
    )
    filterset = AssistanceRecordFilter(request.GET, visible, request=request)
    qs = filterset.qs if filterset.is_valid() else visible.none()
    totals = qs.filter(cancelled_at__isnull=True).aggregate(amount=Sum("amount"))
    listing = Listing(request, qs, sorts=RECORD_SORTS, default="-given_on")
    return render(
        request,
        "assistance/record_list.html",
        {"filterset": filterset, "page": listing.page, "listing": listing,
         "total": totals["amount"] or ZERO},
    )  # fmt: skip


@login_required
@require_POST
def record_cancel(request, pk):
    """作废: the record stays, marked, with the reason."""
    record = get_object_or_404(AssistanceRecord.objects.visible_to(request.user), pk=pk)
    actor = editor(request)
    try:
        records.cancel(actor, record, {"reason": request.POST.get("reason", "")})
        messages.success(request, _("The record of %(name)s is cancelled.") % {"name": record.name})
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    return back_to(request, reverse("assistance:records"))


# --- campaigns --------------------------------------------------------------------------


def _sum_by(qs, key, field):
    return dict(qs.order_by().values_list(key).annotate(s=Sum(field)).values_list(key, "s"))


def campaign_rows(campaign):
    """The campaign and its allocations, level by level, each with its money; spend rolled
    up from the lowest level (a fixed number of queries for the whole tree)."""
    found = campaign_services.tree(campaign)
    ids = [c.pk for c in found]
    spent = _sum_by(
        AssistanceRecord.objects.active().filter(campaign_id__in=ids), "campaign_id", "amount"
    )
    given = _sum_by(Campaign.objects.filter(parent_id__in=ids), "parent_id", "budget")
    depth = {campaign.pk: 0}
    for c in found[1:]:
        depth[c.pk] = depth[c.parent_id] + 1
    rolled = {c.pk: spent.get(c.pk) or ZERO for c in found}
    for c in reversed(found[1:]):  # children come after their parents
        rolled[c.parent_id] += rolled[c.pk]
    rows = []
    for c in found:
        c.depth = depth[c.pk]
        c.indent = c.depth * 1.25
        c.allocated = given.get(c.pk) or ZERO
        c.spent = spent.get(c.pk) or ZERO
        c.spent_rolled_up = rolled[c.pk]
        c.remaining = c.budget - c.allocated - c.spent
        rows.append(c)
    return rows


@login_required
def campaign_list(request):
    visible = Campaign.objects.visible_to(request.user).select_related("union", "parent")
    spent = (
        AssistanceRecord.objects.active()
        .filter(campaign=OuterRef("pk"))
        .order_by()
        .values("campaign")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    allocated = (
        Campaign.objects.filter(parent=OuterRef("pk"))
        .order_by()
        .values("parent")
        .annotate(s=Sum("budget"))
        .values("s")
    )
    visible = visible.annotate(
        spent=Coalesce(Subquery(spent, output_field=MONEY), Value(ZERO), output_field=MONEY),
        allocated=Coalesce(
            Subquery(allocated, output_field=MONEY), Value(ZERO), output_field=MONEY
        ),
    )
    filterset = CampaignFilter(request.GET, visible, request=request)
    qs = filterset.qs if filterset.is_valid() else visible.none()
    listing = Listing(request, qs, sorts=CAMPAIGN_SORTS, default="-year")
    for c in listing.page:
        c.remaining = c.budget - c.allocated - c.spent
    return render(
        request,
        "assistance/campaign_list.html",
        {"filterset": filterset, "page": listing.page, "listing": listing},
    )


@login_required
def campaign_new(request):
    actor = editor(request)
    form = f.CampaignForm(request.POST or None, user=actor)
    if request.method == "POST" and form.is_valid():
        campaign = form.run(lambda data, _c: campaign_services.create(actor, data))
        if campaign:
            messages.success(request, _("Campaign %(name)s created.") % {"name": campaign})
            return redirect(campaign)
    return render(request, "assistance/campaign_new.html", {"form": form})


def _campaign_page(request, campaign, allocate_form=None):
    user = request.user
    rows = campaign_rows(campaign)
    parent = campaign.parent
    if parent is not None and not Campaign.objects.visible_to(user).filter(pk=parent.pk).exists():
        parent = None
    children = []
    if user.can_edit:
        allocate_form = allocate_form or f.AllocateForm(user=user)
        children = (
            TradeUnion.objects.visible_to(user)
            .active()
            .filter(parent=campaign.union)
            .order_by("code")[:500]
        )
    recent = (
        AssistanceRecord.objects.visible_to(user)
        .filter(campaign_id__in=[c.pk for c in rows])
        .select_related("union", "file")[:20]
    )
    return render(
        request,
        "assistance/campaign_detail.html",
        {
            "campaign": campaign,
            "parent": parent,
            "has_parent": campaign.parent_id is not None,
            "money": campaign_services.money(campaign),
            "rows": rows,
            "allocate_form": allocate_form if user.can_edit else None,
            "children": children,
            "recent": recent,
            "events": timeline(campaign),
        },
    )


@login_required
def campaign_detail(request, pk):
    return _campaign_page(request, visible_campaign(request, pk))


@login_required
def campaign_allocate(request, pk):
    """下拨: part of the budget to a union below, as its own campaign."""
    campaign = visible_campaign(request, pk)
    if request.method != "POST":
        return redirect(campaign)
    actor = editor(request)
    form = f.AllocateForm(request.POST, user=actor)
    if form.is_valid():
        child = form.run(lambda data, _c: campaign_services.allocate(actor, campaign, data))
        if child:
            messages.success(
                request,
                _("%(amount)s yuan allocated to %(union)s.")
                % {"amount": child.budget, "union": child.union.name},
            )
            return redirect(campaign)
    return _campaign_page(request, visible_campaign(request, pk), allocate_form=form)


class _CheckOnly(Exception):
    """Raised inside the transaction to undo a list that was only being checked."""


# Fields a distribution list takes from the form above it, not from its rows.
COMMON_FIELDS = ("given_on", "kind", "fund_source")


def _list_total(rows):
    total = ZERO
    for row in rows:
        amount = read.money(row.values, "amount", Errors())
        total += amount or ZERO
    return total


@login_required
def campaign_distribute(request, pk):
    """发放名单: rows pasted from Excel, recorded all at once or not at all."""
    campaign = visible_campaign(request, pk)
    actor = editor(request)
    form = f.DistributeForm(request.POST or None, initial={"given_on": read.today().isoformat()})
    rows, row_errors, checked = [], [], None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rows = f.read_pasted(data["rows"])
        except ValidationError as e:
            form.add_error("rows", e.message_dict["rows"])
        else:
            common = {k: data[k] for k in COMMON_FIELDS}
            common |= {"campaign": campaign, "union": campaign.union_id}
            check_only = "check" in request.POST
            try:
                with transaction.atomic():
                    made = records.record_list(actor, common, [r.values for r in rows])
                    if check_only:
                        raise _CheckOnly
            except _CheckOnly:
                checked = {"rows": len(rows), "total": _list_total(rows)}
            except ValidationError as e:
                row_errors = _place_list_errors(form, rows, e)
            else:
                messages.success(
                    request,
                    _("%(n)d records saved, %(total)s yuan in all.")
                    % {"n": len(made), "total": sum((r.amount for r in made), ZERO)},
                )
                return redirect(f"{reverse('assistance:records')}?campaign={campaign.pk}")
    return render(
        request,
        "assistance/distribute.html",
        {
            "campaign": campaign,
            "money": campaign_services.money(campaign),
            "form": form,
            "rows": rows,
            "row_errors": row_errors,
            "checked": checked,
            "total": _list_total(rows) if rows else None,
            "columns": f.PASTE_COLUMNS,
        },
    )


def _place_list_errors(form, rows, error):
    """Row errors as lines "第N行 列名：reason"; what concerns the fields above the list
    goes on those fields once, not on every row."""
    lines, common_seen = [], set()
    by_number = {r.number: r for r in rows}
    for key, messages_ in error.message_dict.items():
        parts = key.split(".")
        if parts[0] == "rows" and len(parts) == 3 and parts[1].isdigit():
            n, field = int(parts[1]), parts[2]
            for message in messages_:
                if field in COMMON_FIELDS or field in ("campaign", "union"):
                    if (field, message) not in common_seen:
                        common_seen.add((field, message))
                        form.add_error(field if field in COMMON_FIELDS else None, message)
                    continue
                column = f.COLUMN_LABELS.get(field, field)
                lines.append((n, _("Row %(n)d, %(column)s: %(message)s")
                              % {"n": n, "column": column, "message": message}))  # fmt: skip
                if n in by_number:
                    by_number[n].errors.append(field)
        elif key == "rows":
            form.add_error("rows", messages_)
        else:
            form.add_error(key if key in form.fields else None, messages_)
    lines.sort(key=lambda line: line[0])
    return [text for _n, text in lines]
