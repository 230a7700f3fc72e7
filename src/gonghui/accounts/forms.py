from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.accounts.models import User
from gonghui.core.forms import ServiceForm
from gonghui.core.widgets import UnionPicker


class UserForm(ServiceForm):
    username = forms.CharField(label=_("user name"), max_length=150)
    last_name = forms.CharField(label=_("family name"), required=False)
    first_name = forms.CharField(label=_("given name"), required=False)
    phone = forms.CharField(label=_("mobile phone"), required=False)
    union = forms.CharField(
        label=_("union"),
        help_text=_("Code of the union the user works for"),
        widget=UnionPicker(),
    )
    role = forms.ChoiceField(label=_("role"), choices=User.Role.choices)
    is_active = forms.BooleanField(label=_("account enabled"), required=False, initial=True)
    can_reveal_id_numbers = forms.BooleanField(
        label=_("may see whole ID-card numbers"), required=False
    )
    password = forms.CharField(
        label=_("initial password"), widget=forms.PasswordInput(render_value=False)
    )

    def __init__(self, *args, actor, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not actor.is_platform_admin:
            self.fields["role"].choices = [
                c for c in User.Role.choices if c[0] != User.Role.PLATFORM_ADMIN
            ]
        if editing:
            del self.fields["password"]


class PasswordForm(ServiceForm):
    password = forms.CharField(label=_("new password"), widget=forms.PasswordInput)


class OwnPasswordForm(ServiceForm):
    old_password = forms.CharField(
        label=_("current password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label=_("new password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "At least 10 characters, of at least three kinds: lower-case letters, capital "
            "letters, digits, other characters; not like your user name, not a common password."
        ),
    )
    new_password_again = forms.CharField(
        label=_("new password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("new_password") != data.get("new_password_again"):
            self.add_error("new_password_again", _("The two new passwords differ."))
        return data


class CodeForm(forms.Form):
    otp = forms.CharField(
        label=_("code"),
        max_length=20,
        help_text=_("The 6 digits your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
