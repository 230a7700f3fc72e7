"""Web pages for unions and employers: thin, every change through services."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from gonghui.core.listing import Listing
from gonghui.core.scope import require_editor
from gonghui.core.timeline import timeline
from gonghui.core.views import form_page
from gonghui.unions import services
from gonghui.unions.filters import EmployerFilter, UnionFilter
from gonghui.unions.forms import CloseForm, EmployerForm, MoveForm, PoolForm, UnionForm
from gonghui.unions.models import Employer, TradeUnion

PAGE_SIZE = 50
UNION_SORTS = {
    "code": ("code",),
    "name": ("name_pinyin",),
    "kind": ("kind",),
    "region": ("region_id",),
    "status": ("status",),
}
EMPLOYER_SORTS = {
    "name": ("name",),
    "uscc": ("uscc",),
    "industry": ("industry",),
    "employees": ("employee_count",),
    "union": ("covering_union__code",),
}


def visible_union(request, pk):
    qs = TradeUnion.objects.visible_to(request.user).select_related(
        "region", "parent", "successor", "pool_union"
    )
    return get_object_or_404(qs, pk=pk)


def visible_employer(request, pk):
    qs = Employer.objects.visible_to(request.user).select_related(
        "region", "local_union", "covering_union"
    )
    return get_object_or_404(qs, pk=pk)


def editor(request):
    """The acting user, if their role may change records (else 403: the record is in scope)."""
    require_editor(request.user)
    return request.user


@login_required
def union_list(request):
    """The tree (roots: the user's own union) and, with a query, a filtered list."""
    visible = TradeUnion.objects.visible_to(request.user)
    filterset = UnionFilter(request.GET or None, visible.select_related("region"), request=request)
    searching = any(request.GET.get(k) for k in filterset.filters)
    listing = None
    if searching and filterset.is_valid():
        listing = Listing(request, filterset.qs, sorts=UNION_SORTS, default="code")
    if request.user.is_platform_admin:
        roots = visible.filter(parent__isnull=True)
    else:
        roots = visible.filter(pk=request.user.union_id)
    return render(
        request,
        "unions/union_list.html",
        {
            "filterset": filterset,
            "searching": searching,
            "page": listing and listing.page,
            "listing": listing,
            "roots": roots.with_child_counts(),
            "tree_text": {
                "more": _("Show more"),
                "below": _("below"),
                "failed": _("Could not load; try again."),
            },
        },
    )


@login_required
def union_detail(request, pk):
    union = visible_union(request, pk)
    visible = TradeUnion.objects.visible_to(request.user)
    ancestors = visible.filter(pk__in=union.ancestor_ids).order_by("path")
    children = visible.filter(parent=union).select_related("region").with_child_counts()
    employers = Employer.objects.visible_to(request.user).filter(covering_union=union)
    return render(
        request,
        "unions/union_detail.html",
        {
            "union": union,
            "ancestors": ancestors,
            "children": children.order_by("code")[:PAGE_SIZE],
            "child_total": children.count(),
            "employers": employers.order_by("name")[:PAGE_SIZE],
            "employer_total": employers.count(),
            "events": timeline(union),
            "is_own_union": union.pk == request.user.union_id,
        },
    )


@login_required
def union_create(request):
    actor = editor(request)
    parent = None
    if request.GET.get("parent"):
        parent = visible_union(request, request.GET["parent"])
    initial = {"parent": parent.code, "region": parent.region_id} if parent else {}
    form = UnionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        union = form.run(lambda data, confirm: services.create_union(actor, data, confirm))
        if union:
            return redirect(union)
    return form_page(request, form, _("New union"))


@login_required
def union_edit(request, pk):
    union = visible_union(request, pk)
    actor = editor(request)
    initial = {f: getattr(union, f) for f in services.UNION_FIELDS if f not in ("region", "parent")}
    initial["region"] = union.region_id
    form = UnionForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        saved = form.run(lambda data, confirm: services.update_union(actor, union, data, confirm))
        if saved:
            return redirect(saved)
    return form_page(request, form, _("Edit %(name)s") % {"name": union.name}, union)


@login_required
def union_move(request, pk):
    union = visible_union(request, pk)
    actor = editor(request)
    form = MoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        moved = form.run(lambda data, _c: services.move_union(actor, union, **data))
        if moved:
            return redirect(moved)
    title = _("Move %(name)s and its subordinate unions") % {"name": union.name}
    return form_page(request, form, title, union, _("Move"))


@login_required
def union_pool(request, pk):
    """A federation assigns the union that receives the join applications of its region."""
    union = visible_union(request, pk)
    actor = editor(request)
    initial = {"pool_union": union.pool_union.code if union.pool_union else ""}
    form = PoolForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = form.run(
            lambda data, _c: services.assign_pool_union(
                actor, union, data["pool_union"], data["note"]
            )
        )
        if saved:
            return redirect(saved)
    title = _("Pool union for join applications of %(region)s") % {"region": union.region}
    return form_page(request, form, title, union, _("Save"))


@login_required
def union_close(request, pk, how):
    """Merge (how="merge") or dissolve a union."""
    union = visible_union(request, pk)
    actor = editor(request)
    form = CloseForm(request.POST or None)
    if how == "merge":
        form.fields["successor"].show_required = True
        form.fields["successor"].label = _("merge into")
        title, submit = _("Merge %(name)s into another union"), _("Merge")
        service = services.merge_union
    else:
        title, submit = _("Dissolve %(name)s"), _("Dissolve")
        service = services.dissolve_union
    if request.method == "POST" and form.is_valid():
        closed = form.run(lambda data, _c: service(actor, union, data.pop("successor"), **data))
        if closed:
            return redirect(closed)
    return form_page(request, form, title % {"name": union.name}, union, submit)


@login_required
def employer_list(request):
    visible = Employer.objects.visible_to(request.user).select_related("region", "covering_union")
    filterset = EmployerFilter(request.GET, visible, request=request)
    qs = filterset.qs if filterset.is_valid() else visible.none()
    listing = Listing(request, qs, sorts=EMPLOYER_SORTS, default="name")
    return render(
        request,
        "unions/employer_list.html",
        {"filterset": filterset, "page": listing.page, "listing": listing},
    )


@login_required
def employer_detail(request, pk):
    employer = visible_employer(request, pk)
    return render(
        request,
        "unions/employer_detail.html",
        {"employer": employer, "events": timeline(employer)},
    )


@login_required
def employer_create(request):
    actor = editor(request)
    initial = {}
    if request.GET.get("union"):
        local = visible_union(request, request.GET["union"])
        initial = {"local_union": local.code, "region": local.region_id}
    form = EmployerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        employer = form.run(lambda data, confirm: services.create_employer(actor, data, confirm))
        if employer:
            return redirect(employer)
    return form_page(request, form, _("New employer"))


@login_required
def employer_edit(request, pk):
    employer = visible_employer(request, pk)
    actor = editor(request)
    initial = {f: getattr(employer, f) for f in ("name", "uscc", "industry", "employee_count")}
    initial |= {
        "address": employer.address,
        "region": employer.region_id,
        "local_union": employer.local_union.code,
        "covering_union": employer.covering_union.code if employer.covering_union else "",
    }
    form = EmployerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = form.run(
            lambda data, confirm: services.update_employer(actor, employer, data, confirm)
        )
        if saved:
            return redirect(saved)
    return form_page(request, form, _("Edit %(name)s") % {"name": employer.name}, employer)
