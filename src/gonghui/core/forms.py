"""Running a service from a web form, so its errors land on the form's fields."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gonghui.core.validation import NeedsConfirmation


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


class ImportForm(forms.Form):
    """Upload a roster to import; the work runs as a job."""

    SUFFIXES = (".xlsx", ".xlsm", ".csv", ".txt")

    file = forms.FileField(
        label=_("file"),
        help_text=_("An Excel workbook (.xlsx) or a CSV file; up to 1,048,575 rows."),
    )
    union = forms.CharField(label=_("union code"), required=False)
    skip_invalid = forms.BooleanField(
        label=_("Import the good rows and report the bad ones"),
        required=False,
        help_text=_("Otherwise one bad row stops the whole file, and nothing is written."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if message := upload_too_big(upload.size):
            raise forms.ValidationError(message)
        if not upload.name.lower().endswith(self.SUFFIXES):
            raise forms.ValidationError(
                _("%(name)s is not a spreadsheet: choose an .xlsx or .csv file.")
                % {"name": upload.name}
            )
        return upload


class CalendarYearForm(ServiceForm):
    """A year's holidays and worked weekends as lines (core/holidays.py reads them)."""

    lines = forms.CharField(
        label=_("holidays and worked weekends"),
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        help_text=_(
            "One line per day or range of days, then its name: 2027-01-01 元旦, "
            "2027-02-06..2027-02-13 春节. A weekend day that is worked carries 上班 or 补班 "
            "in its name: 2027-02-14 春节调休上班. Days not listed follow Monday to Friday."
        ),
    )
    note = forms.CharField(
        label=_("source document"),
        required=False,
        max_length=200,
        help_text=_("The State Council's notice, e.g. 国办发明电〔2026〕12号."),
    )
