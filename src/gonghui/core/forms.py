"""Running a service from a web form, so its errors land on the form's fields."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gonghui.core import values
from gonghui.core.validation import NeedsConfirmation
from gonghui.core.widgets import UnionPicker

# Dates and amounts are text fields: the services read them (2026-10-08, 1,200.50元) and
# name every wrong field in one answer, which a form-level check would cut short.
DATE = forms.TextInput(attrs={"type": "date"})
MONEY = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
CODE = forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"})


def date_field(label, help_text=""):
    return forms.CharField(label=label, required=False, widget=DATE, help_text=help_text)


def money_field(label, help_text=""):
    return forms.CharField(label=label, required=False, widget=MONEY, help_text=help_text)


def choice_field(label, choices, blank="—", **kwargs):
    return forms.ChoiceField(label=label, choices=[("", blank), *choices], **kwargs)


def note_field(label=None, rows=2, help_text=""):
    return forms.CharField(
        label=label or _("note"),
        required=False,
        widget=forms.Textarea({"rows": rows}),
        help_text=help_text,
    )


class ServiceForm(forms.Form):
    """A form whose save calls a service; `confirm` appears once a warning needs it."""

    confirm = forms.BooleanField(
        label=_("I have checked the warnings above and the data is correct"),
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The service decides what is required, so one answer names every missing and
        # wrong field together (a form-level "required" would stop before the service
        # saw the rest). The asterisk stays.
        for field in self.fields.values():
            field.show_required = field.required
            field.required = False

    def run(self, call):
        """Call `call(data, confirm)`; on a ValidationError put each message on its field."""
        data = {k: v for k, v in self.cleaned_data.items() if k != "confirm"}
        try:
            return call(data, self.cleaned_data.get("confirm", False))
        except ValidationError as e:
            if isinstance(e, NeedsConfirmation):
                self.fields["confirm"].widget = forms.CheckboxInput()
            for field, messages in e.message_dict.items():
                if field in self.fields:
                    self.add_error(field, messages)
                else:
                    self.add_error(None, messages)
            return None


def upload_too_big(size):
    """The message for an upload over GONGHUI_UPLOAD_MAX_MB, or None (the web, the API, the
    CLI all ask)."""
    limit = settings.GONGHUI_UPLOAD_MAX_MB
    if size > limit * 1024 * 1024:
        return _("The file is larger than the upload limit of %(limit)d MB.") % {"limit": limit}
    return None


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# --- the figures pages: which union and period to count ---------------------------------


class FiguresForm(forms.Form):
    """What to count: checked by `figures` itself, so the page names the same fields and
    says the same as the API."""

    union = forms.CharField(label=_("union code"), required=False, widget=UnionPicker())
    start = forms.CharField(label=_("from"), required=False, widget=DATE_INPUT)
    end = forms.CharField(label=_("until"), required=False, widget=DATE_INPUT)


def ask_figures(request, figures):
    """The form as the user filled it (the defaults when they have not yet), and what
    `figures(user, union code, start, end)` counted, or None when the form has errors."""
    user = request.user
    today = values.today()
    defaults = {
        "union": user.union.code if user.union_id else "",
        "start": today.replace(month=1, day=1).isoformat(),
        "end": today.isoformat(),
    }
    given = {k: request.GET.get(k, "").strip() for k in defaults}
    form = FiguresForm({k: given[k] or defaults[k] for k in defaults})
    form.is_valid()
    try:
        return form, figures(user, given["union"] or None, given["start"], given["end"])
    except ValidationError as e:
        for field, messages in e.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
        return form, None
