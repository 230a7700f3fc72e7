"""Running a service from a web form, so its errors land on the form's fields."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gonghui.core.validation import NeedsConfirmation

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
