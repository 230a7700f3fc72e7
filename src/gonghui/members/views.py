"""Web pages of the member registry: the public join and status pages (no login),
the review queue of join applications, and the member list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.core.scope import require_editor
from gonghui.members import services
from gonghui.members.api import JoinThrottle
from gonghui.members.filters import MembershipFilter
from gonghui.members.forms import JoinForm, RejectForm, StatusForm
from gonghui.members.models import JoinApplication, Membership


def join(request):
    """The public join page, made for a phone."""
    form = JoinForm(request.POST or None)
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
                return render(request, "members/join_done.html", {"application": application})
    return render(
        request,
        "members/join.html",
        {"form": form, "consent_version": services.CONSENT_VERSION},
    )


def join_status(request):
    form = StatusForm(request.GET or None)
    application, looked = None, False
    if form.is_valid():
        if not JoinThrottle().allow_request(request, None):
            return render(request, "members/too_many.html", status=429)
        looked = True
        application = services.application_status(
            form.cleaned_data["number"], form.cleaned_data["phone_last4"]
        )
    return render(
        request,
        "members/join_status.html",
        {"form": form, "application": application, "looked": looked},
    )


@login_required
def applications(request):
    """The review queue: pending applications to unions in the user's subtree."""
    status = request.GET.get("status") or JoinApplication.Status.PENDING
    queue = (
        JoinApplication.objects.visible_to(request.user)
        .filter(status=status)
        .select_related("union", "membership")
        .order_by("submitted_at", "id")
    )
    page = Paginator(queue, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "members/applications.html",
        {"page": page, "status": status, "statuses": JoinApplication.Status.choices,
         "reject_form": RejectForm()},
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
    filterset = MembershipFilter(request.GET or None, visible, request=request)
    qs = filterset.qs if filterset.is_valid() else visible.none()
    page = Paginator(qs.order_by("-joined_on", "-id"), 50).get_page(request.GET.get("page"))
    return render(request, "members/member_list.html", {"filterset": filterset, "page": page})
