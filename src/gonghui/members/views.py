"""Web pages of the member registry: the public join and status pages (no login),
the review queue of join applications, the member list and page (with reveal, status
and transfer forms), the transfer in- and outbox, the reveal log and phone release."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.core.listing import Listing
from gonghui.core.scope import require_editor
from gonghui.core.timeline import timeline
from gonghui.core.views import form_page
from gonghui.lib.text import clean_text
from gonghui.members import services, todos
from gonghui.members.api import JoinThrottle
from gonghui.members.filters import MembershipFilter
from gonghui.members.forms import (
    JoinForm,
    MembershipStatusForm,
    PhoneReleaseForm,
    RejectForm,
    RevealForm,
    StatusForm,
    TransferRequestForm,
)
from gonghui.members.models import JoinApplication, Membership, Reveal, Transfer


def join(request):
    """The public join page, made for a phone."""
    # Bound on any POST: an empty one must name every missing field, not show a blank form.
    form = JoinForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not JoinThrottle().allow_request(request, None):
            return render(request, "members/too_many.html", status=429)
        if form.is_valid():
            application = form.run(
                lambda data, _c: services.submit_application(
                    data, actor=None, consent=data.pop("consent")
                )
            )
            if application:
                # The same page for everyone accepted, member or not (services.submit_application).
                return render(
                    request,
                    "members/join_done.html",
                    {"application": application, "message": services.submitted_message()},
                )
    return render(
        request,
        "members/join.html",
        {
            "form": form,
            "fields": [f for f in form.visible_fields() if f.name != "consent"],
            "consent_version": services.CONSENT_VERSION,
        },
    )


def join_status(request):
    form = StatusForm(request.GET or None)
    application, looked = None, False
    if form.is_valid():
        if not JoinThrottle().allow_request(request, None):
            return render(request, "members/too_many.html", status=429)
        looked = True
        application = services.application_status(
            form.cleaned_data["number"], form.cleaned_data["phone"]
        )
    return render(
        request,
        "members/join_status.html",
        {"form": form, "application": application, "looked": looked},
    )


APPLICATION_SORTS = {
    "number": ("number",),
    "name": ("name",),
    "union": ("union__code",),
    "submitted_at": ("submitted_at",),
}
MEMBER_SORTS = {
    "member_number": ("member_number",),
    "name": ("person__name_pinyin",),
    "union": ("union__code",),
    "status": ("status",),
    "joined_on": ("joined_on",),
}
TRANSFER_SORTS = {
    "name": ("membership__person__name_pinyin",),
    "from_union": ("from_union__code",),
    "to_union": ("to_union__code",),
    "status": ("status",),
    "requested_at": ("requested_at",),
}
REVEAL_SORTS = {"at": ("at",), "user": ("user__username",), "field": ("field",)}


@login_required
def applications(request):
    """The review queue: pending applications to unions in the user's subtree."""
    status = request.GET.get("status") or JoinApplication.Status.PENDING
    queue = (
        JoinApplication.objects.visible_to(request.user)
        .filter(status=status)
        .select_related("union", "membership")
        .with_flags()
    )
    listing = Listing(request, queue, sorts=APPLICATION_SORTS, default="submitted_at")
    return render(
        request,
        "members/applications.html",
        {"page": listing.page, "listing": listing, "status": status,
         "statuses": JoinApplication.Status.choices, "reject_form": RejectForm()},
    )  # fmt: skip


@login_required
@require_POST
def approve(request):
    """Approve the ticked applications (one or many), each in its own transaction."""
    require_editor(request.user)
    visible = JoinApplication.objects.visible_to(request.user)
    chosen = visible.filter(pk__in=request.POST.getlist("application"))
    done, failed = 0, []
    for application in chosen:
        try:
            services.approve_application(request.user, application)
            done += 1
        except ValidationError as e:
            failed.append(f"{application.number} {application.name}: {' '.join(e.messages)}")
    if done:
        messages.success(request, _("%(n)d applications approved.") % {"n": done})
    for line in failed:
        messages.error(request, line)
    return redirect("members:applications")


@login_required
@require_POST
def reject(request, pk):
    application = get_object_or_404(JoinApplication.objects.visible_to(request.user), pk=pk)
    form = RejectForm(request.POST)
    reason = form.data.get("reason", "")
    try:
        services.reject_application(request.user, application, reason)
        messages.success(
            request, _("Application %(number)s rejected.") % {"number": application.number}
        )
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    return redirect("members:applications")


@login_required
def member_list(request):
    visible = Membership.objects.visible_to(request.user).select_related("person", "union")
    filterset = MembershipFilter(request.GET, visible, request=request)
    qs = filterset.qs if filterset.is_valid() else visible.none()
    listing = Listing(request, qs, sorts=MEMBER_SORTS, default="-joined_on")
    return render(
        request,
        "members/member_list.html",
        {
            "filterset": filterset,
            "page": listing.page,
            "listing": listing,
            "may_release_phones": services.may_release_phones(request.user),
        },
    )


def visible_membership(request, pk):
    qs = Membership.objects.visible_to(request.user).select_related(
        "union",
        "person__employer",
        "person__household_region",
        "person__residence_region",
    )
    return get_object_or_404(qs, pk=pk)


def _member_page(request, membership, revealed=None, **forms):
    """The member page: the person (masked), every membership they had, transfers,
    the history of person and membership together, and the forms the user may use."""
    person = membership.person
    user = request.user
    current = membership.status in Membership.CURRENT
    open_transfer = membership.transfers.open().first()
    if user.has_perm("accounts.reveal_id_number"):
        forms.setdefault("reveal_form", RevealForm())
    if user.can_edit and current:
        forms.setdefault("status_form", MembershipStatusForm(membership=membership))
        if membership.status == Membership.Status.ACTIVE and open_transfer is None:
            forms.setdefault("transfer_form", TransferRequestForm())
    events = sorted(timeline(person) + timeline(membership), key=lambda e: e.at, reverse=True)
    visible_ids = set(
        Membership.objects.visible_to(user).filter(person=person).values_list("pk", flat=True)
    )
    history = person.memberships.select_related("union").order_by("-joined_on", "-id")
    return render(
        request,
        "members/member_detail.html",
        {
            "membership": membership,
            "person": person,
            "history": [(m, m.pk in visible_ids) for m in history],
            "transfers": membership.transfers.select_related("from_union", "to_union"),
            "open_transfer": open_transfer,
            "events": events,
            "revealed": revealed,
            **forms,
        },
    )


@login_required
def member_detail(request, pk):
    return _member_page(request, visible_membership(request, pk))


@login_required
@require_POST
def member_reveal(request, pk):
    """Show one whole number on the page it was asked from; never kept in the session."""
    membership = visible_membership(request, pk)
    form = RevealForm(request.POST)
    value = None
    if form.is_valid():
        value = form.run(lambda data, _c: services.reveal(request.user, membership.person, **data))
    revealed = (dict(Reveal.Field.choices)[form.cleaned_data["field"]], value) if value else None
    return _member_page(request, membership, revealed=revealed, reveal_form=form)


@login_required
@require_POST
def member_status(request, pk):
    membership = visible_membership(request, pk)
    require_editor(request.user)
    form = MembershipStatusForm(request.POST, membership=membership)
    if form.is_valid() and form.run(
        lambda data, _c: services.change_membership_status(request.user, membership, **data)
    ):
        messages.success(request, _("Membership status changed."))
        return redirect("members:detail", membership.pk)
    return _member_page(request, membership, status_form=form)


@login_required
@require_POST
def member_transfer(request, pk):
    membership = visible_membership(request, pk)
    require_editor(request.user)
    form = TransferRequestForm(request.POST)
    if form.is_valid() and form.run(
        lambda data, _c: services.request_transfer(request.user, membership, **data)
    ):
        messages.success(request, _("Transfer requested; release it in the outbox."))
        return redirect("members:detail", membership.pk)
    return _member_page(request, membership, transfer_form=form)


TRANSFER_FILTERS = {
    "open": {"status__in": Transfer.OPEN},
    "completed": {"status": Transfer.Status.COMPLETED},
    "rejected": {"status": Transfer.Status.REJECTED},
}


@login_required
def transfers(request):
    """收件箱 and 发件箱: transfers into the user's subtree, or out of it."""
    box = "out" if request.GET.get("box") == "out" else "in"
    state = request.GET.get("state")
    state = state if state in TRANSFER_FILTERS or state == "ours" else "open"
    side = "from_union" if box == "out" else "to_union"
    if state == "ours":  # the next step is the user's union's: the to-do on the home page
        status = Transfer.Status.REQUESTED if box == "out" else Transfer.Status.RELEASED
        qs = todos.transfers_waiting(request.user, side, status)
    else:
        qs = todos.transfers_waiting(request.user, side, None).filter(**TRANSFER_FILTERS[state])
    qs = qs.select_related("membership__person", "from_union", "to_union", "new_membership")
    listing = Listing(request, qs, sorts=TRANSFER_SORTS, default="-requested_at")
    return render(
        request,
        "members/transfers.html",
        {
            "page": listing.page,
            "listing": listing,
            "box": box,
            "state": state,
            "states": [
                ("ours", _("waiting for us")),
                ("open", _("under way")),
                ("completed", _("completed")),
                ("rejected", _("rejected")),
            ],
        },
    )


def _transfer_step(request, pk, step, done):
    """Run one step of a transfer and go back to the box it was taken from."""
    transfer = get_object_or_404(Transfer.objects.visible_to(request.user), pk=pk)
    try:
        step(transfer)
        messages.success(request, done)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    box = "out" if request.POST.get("box") == "out" else "in"
    return redirect(f"{reverse('members:transfers')}?box={box}")


@login_required
@require_POST
def transfer_release(request, pk):
    return _transfer_step(
        request,
        pk,
        lambda t: services.release_transfer(request.user, t),
        _("Released; the receiving union can now take the member in."),
    )


@login_required
@require_POST
def transfer_receive(request, pk):
    return _transfer_step(
        request,
        pk,
        lambda t: services.receive_transfer(request.user, t),
        _("Received; the member now belongs to your union."),
    )


@login_required
@require_POST
def transfer_reject(request, pk):
    return _transfer_step(
        request,
        pk,
        lambda t: services.reject_transfer(request.user, t, request.POST.get("reason", "")),
        _("Transfer refused."),
    )


@login_required
def reveal_log(request):
    """Who saw whose whole number, when and why: for administrators, over the users of
    their subtree (PIPL: the log of access to sensitive personal information)."""
    if not request.user.can_manage_users:
        raise PermissionDenied(_("Only administrators may read the reveal log."))
    log = Reveal.objects.visible_to(request.user).select_related(
        "user", "user__union", "person", "job"
    )
    who = clean_text(request.GET.get("user"))
    if who:
        log = log.filter(user__username=who)
    listing = Listing(request, log, sorts=REVEAL_SORTS, default="-at")
    return render(
        request, "members/reveal_log.html", {"page": listing.page, "listing": listing, "who": who}
    )


@login_required
def phone_release(request):
    """A county administrator frees a mobile number held by another person."""
    if not services.may_release_phones(request.user):
        raise PermissionDenied(
            _("Only an administrator of a county or higher federation may release a number.")
        )
    form = PhoneReleaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        holder = form.run(
            lambda data, _c: services.release_phone(request.user, data["phone"], data["reason"])
        )
        if holder:
            messages.success(
                request,
                _("The number was taken from %(name)s (%(id)s); the worker can apply now.")
                % {"name": holder.name, "id": holder.id_number_masked},
            )
            return redirect("members:phone_release")
    return form_page(request, form, _("Release a mobile number"), submit=_("Release"))
