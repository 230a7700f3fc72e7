from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import ServiceForm
from gonghui.core.widgets import UnionPicker
from gonghui.unions.models import Employer, TradeUnion

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def code_field(label, required=True, list_id=None, help_text=""):
    attrs = {"autocomplete": "off", "inputmode": "text"}
    if list_id:
        attrs["list"] = list_id
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.TextInput(attrs=attrs),
    )


def union_field(label, required=True, help_text=""):
    """A union chosen by its code, with the picker's suggestions."""
    return forms.CharField(
        label=label, required=required, help_text=help_text, widget=UnionPicker()
    )


class UnionForm(ServiceForm):
    code = forms.CharField(label=_("union code"), max_length=40)
    name = forms.CharField(label=_("name"), max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=TradeUnion.Kind.choices)
    region = code_field(_("region"), list_id="region-options", help_text=_("Division code or name"))
    parent = union_field(_("parent union"), help_text=_("Code of the parent union"))
    uscc = forms.CharField(label=_("union legal-person social-credit code"), required=False)
    founded_on = forms.DateField(label=_("founding date"), required=False, widget=DATE)
    chair = forms.CharField(label=_("chair"), required=False)
    contact_person = forms.CharField(label=_("contact person"), required=False)
    contact_phone = forms.CharField(label=_("contact phone"), required=False)
    address = forms.CharField(label=_("address"), required=False)

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["parent"]  # a union changes parent through "move"


class MoveForm(ServiceForm):
    parent = union_field(_("new parent union"), help_text=_("Code of the new parent union"))
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea({"rows": 2}))


class PoolForm(ServiceForm):
    pool_union = union_field(
        _("pool union for join applications"),
        required=False,
        help_text=_("Code of a new-forms-of-employment union of this federation; empty clears."),
    )
    note = forms.CharField(label=_("note"), required=False, max_length=200)


class CloseForm(ServiceForm):
    successor = union_field(_("successor"), required=False, help_text=_("Code of the successor"))
    ended_on = forms.DateField(label=_("end date"), required=False, widget=DATE)
    note = forms.CharField(label=_("reason"), required=False, widget=forms.Textarea({"rows": 2}))


class EmployerForm(ServiceForm):
    name = forms.CharField(label=_("employer name"), max_length=300)
    uscc = forms.CharField(label=_("social-credit code"), required=False)
    region = code_field(_("region"), list_id="region-options", help_text=_("Division code or name"))
    industry = forms.ChoiceField(label=_("industry"), choices=Employer.Industry.choices)
    employee_count = forms.IntegerField(label=_("employees"), required=False, min_value=0)
    address = forms.CharField(label=_("address"), required=False)
    local_union = union_field(_("local federation"), help_text=_("Code of the local federation"))
    covering_union = union_field(
        _("covering union"), required=False, help_text=_("Code of its own or joint union")
    )
