from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login

from gonghui.accounts import services, two_factor
from gonghui.accounts.forms import CodeForm, OwnPasswordForm, PasswordForm, UserForm
from gonghui.accounts.models import User
from gonghui.core import audit
from gonghui.core.listing import Listing
from gonghui.core.models import AuditEvent
from gonghui.core.timeline import timeline
from gonghui.core.views import form_page


def locked_out(request, credentials=None, *args, **kwargs):
    """Answer to a login while too many failures lock the account (web page or API error)."""
    if request.path.startswith("/api/"):
        message = _("Too many failed logins. Try again in 15 minutes.")
        return JsonResponse(
            {"code": "locked_out", "field": "username", "message": message}, status=429
        )
    return render(request, "accounts/locked_out.html", status=429)


def manager(request):
    services.require_manager(request.user)
    return request.user


USER_SORTS = {
    "username": ("username",),
    "name": ("last_name", "first_name"),
    "union": ("union__code",),
    "role": ("role",),
    "last_login": ("last_login",),
}


def visible_user(request, pk):
    return get_object_or_404(User.objects.visible_to(request.user).select_related("union"), pk=pk)


@login_required
def user_list(request):
    manager(request)
    users = User.objects.visible_to(request.user).select_related("union")
    q = request.GET.get("q", "").strip()
    if q:
        users = users.filter(
            Q(username__contains=q) | Q(last_name__contains=q) | Q(union__name__contains=q)
        )
    listing = Listing(request, users, sorts=USER_SORTS, default="username")
    return render(
        request, "accounts/user_list.html", {"page": listing.page, "listing": listing, "q": q}
    )


@login_required
def user_create(request):
    actor = manager(request)
    initial = {"union": actor.union.code if actor.union else "", "role": User.Role.STAFF}
    form = UserForm(request.POST or None, initial=initial, actor=actor)
    if request.method == "POST" and form.is_valid():
        user = form.run(
            lambda data, _c: services.create_user(
                actor, data, data.pop("password"), data.pop("can_reveal_id_numbers")
            )
        )
        if user:
            return redirect("user_detail", user.pk)
    return form_page(request, form, _("New user"))


@login_required
def user_detail(request, pk):
    actor = manager(request)
    user = visible_user(request, pk)
    initial = {
        "username": user.username,
        "last_name": user.last_name,
        "first_name": user.first_name,
        "phone": user.phone,
        "union": user.union.code if user.union else "",
        "role": user.role,
        "is_active": user.is_active,
        "can_reveal_id_numbers": user.has_perm("accounts.reveal_id_number"),
    }
    form = UserForm(request.POST or None, initial=initial, actor=actor, editing=True)
    password_form = PasswordForm(prefix="pw")
    if request.method == "POST" and "pw-password" in request.POST:
        password_form = PasswordForm(request.POST, prefix="pw")
        form = UserForm(None, initial=initial, actor=actor, editing=True)
        if password_form.is_valid() and password_form.run(
            lambda data, _c: services.set_password(actor, user, data["password"])
        ):
            return redirect("user_detail", user.pk)
    elif request.method == "POST" and form.is_valid():
        saved = form.run(
            lambda data, _c: services.update_user(
                actor, user, data, data.pop("can_reveal_id_numbers")
            )
        )
        if saved:
            return redirect("user_detail", saved.pk)
    return render(
        request,
        "accounts/user_detail.html",
        {"account": user, "form": form, "password_form": password_form, "events": timeline(user)},
    )


def next_page(request):
    """Where to go once a login step is done: the page first asked for, if it is ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("home")


@login_required
def password_change(request):
    """A user changes their own password (asked for at the first login)."""
    form = OwnPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.run(
            lambda data, _c: services.change_own_password(
                request.user, data["old_password"], data["new_password"]
            )
        )
        if user:
            update_session_auth_hash(request, user)  # stay logged in with the new password
            return redirect(next_page(request))
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "forced": request.user.must_change_password, "next": next_page(request)},
    )


@login_required
def two_factor_verify(request):
    """The second step of a login: a code from the app or a recovery code."""
    if request.user.is_verified() or not two_factor.has_device(request.user):
        return redirect(next_page(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor.check(request.user, form.cleaned_data["otp"])
        if device is not None:
            otp_login(request, device)
            return redirect(next_page(request))
        audit.record(
            AuditEvent.Action.LOGIN_FAILED,
            actor_name=request.user.get_username(),
            note=_("Wrong two-factor code."),
        )
        form.add_error("otp", _("The code is wrong or expired. Try the code now shown."))
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": next_page(request)}
    )


@login_required
def two_factor_setup(request):
    """Set up the authenticator app: scan the QR code (or type the secret), enter a code;
    the recovery codes are shown once."""
    user = request.user
    if two_factor.has_device(user) and not user.is_verified():
        return redirect("two_factor_verify")
    device = two_factor.pending_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.confirm(user, device, form.cleaned_data["otp"])
        if codes is not None:
            device.refresh_from_db()
            otp_login(request, device)
            return render(
                request,
                "accounts/two_factor_codes.html",
                {"codes": codes, "next": next_page(request)},
            )
        form.add_error("otp", _("The code is wrong or expired. Try the code now shown."))
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr": two_factor.qr_svg(device),
            "secret": two_factor.secret_text(device),
            "has_device": two_factor.has_device(user),
            "required": user.requires_two_factor,
            "next": next_page(request),
        },
    )
