from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import ServiceForm


class CalendarYearForm(ServiceForm):
    """A year's holidays and worked weekends as lines (calendar/holidays.py reads them)."""

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
