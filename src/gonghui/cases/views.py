"""Web pages for cases: the workbench (my cases, to accept, due soon, overdue, to call
back, extensions to decide), the form a desk takes a case down in, and the case page with
its deadline, the caller (hidden where the viewer may not see them), the actions, the
steps the workflow allows this user now, and the timeline. Thin: every change goes
through the services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from gonghui.cases import boxes, deadlines, services
from gonghui.cases.filters import CaseFilter
from gonghui.cases.forms import CaseForm
from gonghui.cases.models import Case
from gonghui.cases.workflow import CASE
from gonghui.core import values
from gonghui.core.listing import Listing
from gonghui.core.scope import require_editor

CASE_SORTS = {
    "number": ("number",),
    "received_on": ("received_on", "id"),
    "due_on": ("due_on", "id"),
    "union": ("union__code",),
    "kind": ("kind",),
    "subject": ("subject",),
    "status": ("status",),
}


def visible_case(request, pk):
    qs = Case.objects.visible_to(request.user).select_related(
        "union", "first_union", "transfer_to", "employer", "created_by"
    )
    return get_object_or_404(qs, pk=pk)


def with_deadline(case, on):
    """The case with what the page shows of its deadline: working days left or over."""
    case.left = deadlines.workdays_left(case, on) if case.is_open else None
    case.overdue = case.left is not None and case.due_on < on
    case.days = abs(case.left) if case.left is not None else None
    return case


@login_required
def case_list(request):
    user = request.user
    box = request.GET.get("box") or boxes.DEFAULT
    if box not in boxes.BY_KEY:
        raise Http404
    query = request.GET.copy()
    query.setdefault("box", box)
    visible = boxes.list_rows(Case.objects.visible_to(user))
    filterset = CaseFilter(query, visible, request=request)
    qs = filterset.qs if filterset.is_valid() else visible.none()
    default = "due_on" if box not in ("all", "accept", "callback") else "-received_on"
    listing = Listing(request, qs, sorts=CASE_SORTS, default=default)
    on = values.today()
    for case in listing.page:
        with_deadline(case, on)
        case.caller_shown = services.may_see_caller(user, case)
    tabs = [
        {"key": b.key, "label": b.label, "count": boxes.cases_in(b.key, user, on).count()}
        for b in boxes.BOXES
        if b.key != "all"
    ]
    return render(
        request,
        "cases/case_list.html",
        {"filterset": filterset, "page": listing.page, "listing": listing, "box": box,
         "tabs": tabs},
    )  # fmt: skip


@login_required
def case_new(request):
    """受理: the desk takes a case down."""
    require_editor(request.user)
    initial = {"received_on": values.today().isoformat(), "channel": Case.Channel.HOTLINE,
               "reply_wanted": True, "workers": "1"}  # fmt: skip
    form = CaseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        case = form.run(lambda data, _c: services.take(request.user, data))
        if case:
            messages.success(
                request,
                _("Case %(number)s is taken; due by %(due)s.")
                % {"number": case.number, "due": case.due_on.isoformat()},
            )
            return redirect(case)
    return render(request, "cases/case_form.html", {"form": form, "case": None})


def _description(case):
    """The case's description as the edit form shows it (numbers never whole)."""
    return {
        "union": case.union.code, "channel": case.channel, "kind": case.kind,
        "subject": case.subject, "complexity": case.complexity,
        "caller_name": case.caller_name, "confidential": case.confidential,
        "reply_wanted": case.reply_wanted, "employer_uscc": case.employer_uscc,
        "employer_name": case.employer_name, "workers": case.workers,
        "amount_claimed": case.amount_claimed, "request": case.request,
        "received_on": case.received_on.isoformat(), "court_referral": case.court_referral,
        "court_name": case.court_name,
    }  # fmt: skip


@login_required
def case_edit(request, pk):
    """Correct what an open case says. The phone and ID number are kept unless typed again."""
    case = visible_case(request, pk)
    require_editor(request.user)
    if not case.is_open or not services.handles(request.user, case):
        messages.error(request, _("Only the handling union corrects an open case."))
        return redirect(case)
    form = CaseForm(request.POST or None, initial=_description(case))
    form.fields["phone"].help_text = _("Now %(masked)s; leave empty to keep it.") % {
        "masked": case.phone_masked
    }
    form.fields["phone"].show_required = False
    if request.method == "POST" and form.is_valid():

        def call(data, _confirm):
            data = {**data, "union": case.union}
            if not data.get("phone"):
                data["phone"] = services.PHONE.reveal(case.phone_encrypted)
            if not data.get("id_number") and case.id_number_encrypted:
                data["id_number"] = services.ID_NUMBER.reveal(case.id_number_encrypted)
            return services.update(request.user, case, data)

        if form.run(call):
            messages.success(request, _("The case is corrected."))
            return redirect(case)
    return render(request, "cases/case_form.html", {"form": form, "case": case})


def _case_page(request, case, bound=None):
    user = request.user
    on = values.today()
    with_deadline(case, on)
    steps = []
    if user.can_edit:
        bound = bound or {}
        main = CASE.main.get(case.status)
        for step in CASE.available(case, user):
            initial = {step.dated: on.isoformat()} if step.dated else {}
            form = bound.get(step.name) or step.form(prefix=step.name, initial=initial, case=case)
            steps.append(
                {"slug": step.name, "title": step.title(case), "button": step.button,
                 "form": form, "open": step.name == main or step.name in bound}
            )  # fmt: skip
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "caller_shown": services.may_see_caller(user, case),
            "callback_from": services.callback_from(case) if case.concluded_on else None,
            "actions": case.actions.select_related("recorded_by"),
            "steps": steps,
            "events": services.case_timeline(user, case),
        },
    )


@login_required
def case_detail(request, pk):
    return _case_page(request, visible_case(request, pk))


@login_required
def case_step(request, pk, step):
    """One step of the case, posted from its page."""
    case = visible_case(request, pk)
    spec = CASE.get(step)
    if spec is None:
        raise Http404
    if request.method != "POST":
        return redirect(case)
    require_editor(request.user)
    if not spec.takes_from(case):
        messages.error(
            request,
            _("Not possible while the case is %(status)s.") % {"status": case.get_status_display()},
        )
        return redirect(case)
    form = spec.form(request.POST, prefix=step, case=case)
    if form.is_valid():
        try:
            result = form.run(lambda data, _c: spec.service(request.user, case, data))
        except PermissionDenied as refused:  # said on the page it came from
            messages.error(request, str(refused))
            return redirect(case)
        if result:
            messages.success(request, spec.done)
            return redirect(case)
    return _case_page(request, visible_case(request, pk), bound={step: form})


@login_required
def deadline_rules(request):
    """办理时限: the deadlines of the user's level by kind and complexity, as they hold for
    its subtree (its own, a level above's, or the platform's default); an administrator
    sets their level's own."""
    user = request.user
    if user.union_id is None:
        raise Http404  # the platform's defaults are in the code (cases/deadlines.py)
    editable = deadlines.may_set(user)
    errors, posted = {}, None
    if request.method == "POST":
        if not editable:
            raise PermissionDenied(_("Only a union's administrator sets its deadlines."))
        posted = request.POST
        try:
            services.set_deadlines(user, posted.dict())
            messages.success(request, _("The deadlines are saved."))
            return redirect("cases:deadlines")
        except ValidationError as e:
            errors = e.message_dict
    found = deadlines.rules_for(user.union)
    rows = []
    for kind, kind_label in Case.Kind.choices:
        cells = []
        for complexity, _label in Case.Complexity.choices:
            days, source = found[(kind, complexity)]
            name = deadlines.field_name(kind, complexity)
            own = source is not None and source.pk == user.union_id
            value = posted.get(name, "") if posted is not None else (days if own else "")
            cells.append(
                {"name": name, "days": days, "source": source, "own": own, "value": value,
                 "errors": errors.get(name, [])}
            )  # fmt: skip
        rows.append({"label": kind_label, "cells": cells})
    return render(
        request,
        "cases/deadlines.html",
        {"rows": rows, "complexities": Case.Complexity.choices, "editable": editable,
         "has_errors": bool(errors)},
    )  # fmt: skip
