from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import upload_too_big
from gonghui.core.widgets import UnionPicker


class ImportForm(forms.Form):
    """Upload a roster to import; the work runs as a job."""

    SUFFIXES = (".xlsx", ".xlsm", ".csv", ".txt")

    file = forms.FileField(
        label=_("file"),
        help_text=_("An Excel workbook (.xlsx) or a CSV file; up to 1,048,575 rows."),
    )
    union = forms.CharField(label=_("union code"), required=False, widget=UnionPicker())
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
