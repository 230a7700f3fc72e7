from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import ServiceForm
from gonghui.members.models import Person
from gonghui.unions.models import TradeUnion


def pool_region_choices():
    """Counties that have a new-forms-of-employment union, for workers without a union."""
    pools = (
        TradeUnion.objects.active()
        .filter(kind=TradeUnion.Kind.GIG_POOL)
        .select_related("region")
        .order_by("region_id")
    )
    return [("", _("choose your county or district"))] + [
        (u.region_id, str(u.region)) for u in pools
    ]


class JoinForm(ServiceForm):
    """一键入会: what a worker fills in on their phone."""

    name = forms.CharField(label=_("real name"), max_length=50)
    id_number = forms.CharField(
        label=_("ID-card number"), widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    phone = forms.CharField(
        label=_("mobile phone"), widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    employment_form = forms.ChoiceField(
        label=_("employment form"),
        choices=Person.EmploymentForm.choices,
        widget=forms.RadioSelect,
        initial=Person.EmploymentForm.STANDARD,
    )
    platform = forms.ChoiceField(
        label=_("platform work"),
        choices=[("", "—"), *Person.Platform.choices],
        required=False,
    )
    union = forms.CharField(
        label=_("union code"),
        required=False,
        help_text=_("If your employer has a union, the code it gave you."),
    )
    region = forms.ChoiceField(
        label=_("or: join where you live or work"),
        required=False,
        help_text=_("Workers whose employer has no union, and platform workers."),
    )
    employer_name = forms.CharField(label=_("employer"), required=False)
    consent = forms.BooleanField(
        label=_("I have read the notice above and agree to the processing of my personal data"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = pool_region_choices()


class StatusForm(forms.Form):
    number = forms.CharField(label=_("application number"))
    phone_last4 = forms.CharField(
        label=_("last four digits of your mobile"),
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("reason for rejection"), max_length=200)
