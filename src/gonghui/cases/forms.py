"""Web forms for cases: taking (and correcting) a case, and one form per step of its
workflow. Every field is optional to the form: the services say what is required, so one
answer names every wrong field. A step's form is made with the case (`case=`), for the
choices that depend on it (where it may be handed, which letter was answered)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.cases import services
from gonghui.cases.models import Case, CaseAction
from gonghui.core.forms import (
    CODE,
    MONEY,
    ServiceForm,
    choice_field,
    date_field,
    money_field,
    note_field,
)
from gonghui.core.widgets import UnionPicker
from gonghui.unions.models import TradeUnion

YES_NO = forms.RadioSelect


def yes_no(label, yes, no):
    return forms.TypedChoiceField(
        label=label,
        choices=[("yes", yes), ("no", no)],
        coerce=lambda value: value == "yes",
        empty_value=None,
        widget=YES_NO,
    )


def text_area(label, rows=3, help_text=""):
    return note_field(label, rows=rows, help_text=help_text)


class StepForm(ServiceForm):
    def __init__(self, *args, case=None, **kwargs):
        self.case = case
        super().__init__(*args, **kwargs)


class CaseForm(StepForm):
    """受理: what the caller says, as the desk takes it down."""

    union = forms.CharField(
        label=_("handling union"),
        required=False,
        widget=UnionPicker(),
        help_text=_("Your own union if left empty."),
    )
    received_on = date_field(_("taken on"), _("Today if left empty."))
    channel = choice_field(_("channel"), Case.Channel.choices)
    kind = choice_field(_("kind"), Case.Kind.choices)
    subject = choice_field(_("subject"), Case.Subject.choices)
    complexity = choice_field(
        _("complexity"), Case.Complexity.choices, blank=_("general"), required=False
    )
    caller_name = forms.CharField(label=_("caller"), max_length=50, required=False)
    phone = forms.CharField(
        label=_("caller's phone"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        help_text=_("A mobile, or a landline with its area code."),
    )
    id_number = forms.CharField(
        label=_("caller's ID-card number"),
        required=False,
        widget=CODE,
        help_text=_("If the caller gives it: the case is then linked to the registry."),
    )
    confidential = forms.BooleanField(
        label=_("confidential: only the handling union and those above see the caller"),
        required=False,
    )
    reply_wanted = forms.BooleanField(
        label=_("the caller wants a reply"), initial=True, required=False
    )
    employer_uscc = forms.CharField(
        label=_("employer's unified social credit code"),
        required=False,
        widget=CODE,
        help_text=_("An employer in the registry is linked by its code."),
    )
    employer_name = forms.CharField(label=_("employer"), max_length=100, required=False)
    workers = forms.CharField(
        label=_("workers concerned"),
        required=False,
        initial="1",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 5}),
    )
    amount_claimed = money_field(_("sum claimed (yuan)"))
    request = text_area(_("what is asked"), rows=5)
    court_referral = choice_field(_("court referral"), Case.CourtReferral.choices, required=False)
    court_name = forms.CharField(label=_("court"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("caller_name", "phone", "request"):
            self.fields[name].show_required = True


class AnswerNowForm(StepForm):
    answer = text_area(_("the answer given"))
    concluded_on = date_field(_("date"), _("Today if left empty."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].show_required = True


class NoteForm(StepForm):
    note = note_field()


class ReasonForm(StepForm):
    note = note_field(_("reason"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].show_required = True


class TransferForm(StepForm):
    to_union = forms.ChoiceField(label=_("hand to"), required=False)
    note = note_field(_("what the receiver is asked to do"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].show_required = self.fields["to_union"].show_required = True
        self.fields["to_union"].choices = [("", "—"), *receivers(self.case)]


def receivers(case, limit=500):
    """Where a case may be handed: the handling union's children, then its sisters."""
    if case is None:
        return []
    found = TradeUnion.objects.active().exclude(pk=case.union_id)
    children = found.filter(parent_id=case.union_id).order_by("code")[:limit]
    sisters = (
        found.filter(parent_id=case.union.parent_id).order_by("code")[:limit]
        if case.union.parent_id
        else []
    )
    groups = []
    if children:
        groups.append((_("a level below"), [(u.code, f"{u.name} {u.code}") for u in children]))
    if sisters:
        groups.append((_("sister unions"), [(u.code, f"{u.name} {u.code}") for u in sisters]))
    return groups


class ActionForm(StepForm):
    kind = choice_field(_("what was done"), CaseAction.Kind.choices)
    taken_on = date_field(_("date"), _("Today if left empty."))
    text = text_area(_("details"))
    agreement = text_area(_("agreement reached (mediation)"), rows=2)
    reply_due_on = date_field(_("reply due by (a letter to the employer)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].show_required = self.fields["text"].show_required = True


class EmployerReplyForm(StepForm):
    letter = forms.ChoiceField(label=_("letter"), required=False)
    replied_on = date_field(_("replied on"), _("Today if left empty."))
    reply = text_area(_("the employer's reply"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        letters = services.open_letters(self.case) if self.case else []
        self.fields["letter"].choices = [
            (letter.pk, f"{letter.get_kind_display()} {letter.taken_on}") for letter in letters
        ]
        self.fields["reply"].show_required = True


class AskExtensionForm(StepForm):
    extension_workdays = forms.CharField(
        label=_("working days more"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 3}),
    )
    extension_reason = note_field(_("reason"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.show_required = field is not self.fields["confirm"]


class DecideExtensionForm(StepForm):
    approved = yes_no(_("decision"), _("approved"), _("refused"))
    note = note_field(help_text=_("Required when refused."))


class ConcludeForm(StepForm):
    outcome = choice_field(_("outcome"), Case.Outcome.choices)
    answer = text_area(
        _("what the caller is told"),
        help_text=_("For a case that cannot be resolved: the explanation (办不了说明)."),
    )
    concluded_on = date_field(_("concluded on"), _("Today if left empty."))
    amount_recovered = money_field(_("money recovered (yuan)"))
    workers_helped = forms.CharField(
        label=_("workers helped"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    judicial_confirmation = forms.BooleanField(
        label=_("the agreement goes to the court for judicial confirmation"), required=False
    )
    dispute_focus = text_area(_("points in dispute (for the court)"), rows=2)
    mediation_difficulty = text_area(_("why mediation failed (for the court)"), rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].show_required = self.fields["answer"].show_required = True
        if self.case is not None and not self.case.court_referral:
            for name in ("judicial_confirmation", "dispute_focus", "mediation_difficulty"):
                del self.fields[name]
        self.fields["amount_recovered"].widget = MONEY


class CallBackForm(StepForm):
    called_back_on = date_field(_("called back on"), _("Today if left empty."))
    satisfaction = choice_field(_("satisfaction"), Case.Satisfaction.choices)
    note = note_field(help_text=_("Required when the caller is unsatisfied."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["satisfaction"].show_required = True


class QualityCheckForm(StepForm):
    check_passed = yes_no(_("result"), _("passed"), _("failed"))
    check_note = note_field(help_text=_("Required when it failed."))


def desk_choices():
    """The counties whose federation keeps a 12351 desk (every county federation)."""
    federations = (
        TradeUnion.objects.active()
        .filter(kind=TradeUnion.Kind.FEDERATION, region__level="county")
        .select_related("region")
        .order_by("region_id")
    )
    return [("", _("choose your county or district"))] + [
        (f.region_id, str(f.region)) for f in federations
    ]


class ReportForm(ServiceForm):
    """A worker's own question or complaint, on their phone (the 12351 line online)."""

    region = forms.ChoiceField(label=_("where you work"), required=False)
    kind = choice_field(
        _("what you need"),
        [(k, label) for k, label in Case.Kind.choices if k in services.PUBLIC_KINDS],
        required=False,
    )
    subject = choice_field(_("subject"), Case.Subject.choices, required=False)
    caller_name = forms.CharField(label=_("your name"), max_length=50, required=False)
    phone = forms.CharField(
        label=_("your phone"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("We call you back on it; with it and the case number you can follow the case."),
    )
    employer_name = forms.CharField(label=_("your employer"), max_length=100, required=False)
    workers = forms.CharField(
        label=_("workers concerned"),
        required=False,
        initial="1",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 5}),
    )
    request = text_area(_("what happened, and what you ask for"), rows=6)
    consent = forms.BooleanField(
        label=_("I have read the notice above and agree to the processing of my personal data"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = desk_choices()
        for name in ("region", "kind", "subject", "caller_name", "phone", "request"):
            self.fields[name].show_required = True


class CaseStatusForm(forms.Form):
    number = forms.CharField(label=_("case number"), max_length=20)
    phone = forms.CharField(
        label=_("the phone you gave"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
