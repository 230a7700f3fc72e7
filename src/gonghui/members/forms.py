from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import ServiceForm
from gonghui.core.widgets import UnionPicker
from gonghui.members.models import Membership, Person, Reveal
from gonghui.members.services import NEXT_STATUS
from gonghui.unions.models import TradeUnion


def pool_region_choices():
    """The areas whose federation assigned a new-forms-of-employment union, for workers
    without a union (the join page sends them where that federation said)."""
    federations = (
        TradeUnion.objects.active()
        .filter(
            kind=TradeUnion.Kind.FEDERATION,
            pool_union__isnull=False,
            pool_union__status=TradeUnion.Status.ACTIVE,
        )
        .select_related("region")
        .order_by("region_id")
    )
    return [("", _("choose your county or district"))] + [
        (f.region_id, str(f.region)) for f in federations
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
    number = forms.CharField(label=_("application number"), max_length=20)
    phone = forms.CharField(
        label=_("the mobile number you applied with"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("reason for rejection"), max_length=200)


class RevealForm(ServiceForm):
    field = forms.ChoiceField(label=_("number"), choices=Reveal.Field.choices)
    reason = forms.CharField(
        label=_("reason"),
        max_length=200,
        help_text=_("Recorded with your name; administrators can read the log."),
    )


class MembershipStatusForm(ServiceForm):
    status = forms.ChoiceField(label=_("new status"))
    on = forms.DateField(
        label=_("effective date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Today if left empty."),
    )
    note = forms.CharField(label=_("note"), required=False, max_length=200)

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the statuses this membership can move to (transfers have their own page).
        allowed = NEXT_STATUS.get(membership.status, set())
        self.fields["status"].choices = [("", "—")] + [
            (value, label) for value, label in Membership.Status.choices if value in allowed
        ]


class TransferRequestForm(ServiceForm):
    to_union = forms.CharField(
        label=_("receiving union code"),
        help_text=_("The new union approves the receipt."),
        widget=UnionPicker(),
    )
    note = forms.CharField(label=_("note"), required=False, max_length=200)


class PhoneReleaseForm(ServiceForm):
    phone = forms.CharField(
        label=_("mobile phone"), widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    reason = forms.CharField(
        label=_("reason"),
        max_length=200,
        help_text=_("For example: the applicant shows the number is now theirs."),
    )
