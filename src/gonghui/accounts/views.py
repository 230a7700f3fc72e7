from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from gonghui.accounts import services
from gonghui.accounts.forms import PasswordForm, UserForm
from gonghui.accounts.models import User
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


def visible_user(request, pk):
    return get_object_or_404(User.objects.visible_to(request.user).select_related("union"), pk=pk)


@login_required
def user_list(request):
    manager(request)
    users = User.objects.visible_to(request.user).select_related("union").order_by("username")
    q = request.GET.get("q", "").strip()
    if q:
        users = users.filter(
            Q(username__contains=q) | Q(last_name__contains=q) | Q(union__name__contains=q)
        )
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page, "q": q})


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
