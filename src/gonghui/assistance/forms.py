"""Web forms for hardship files, assistance and campaigns.

Dates and amounts are text fields: the services read them (2026-10-08, 1,200.50元) and
name every wrong field in one answer, which a form-level check would cut short. The
household is a formset of rows; blank rows are left out. A distribution list arrives as
text pasted from Excel and is read here into rows for the service.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.assistance.models import AssistanceRecord, Campaign, HardshipFile, HouseholdMember
from gonghui.core.forms import (
    CODE,
    ServiceForm,
    choice_field,
    date_field,
    money_field,
    note_field,
)
from gonghui.core.widgets import UnionPicker
from gonghui.lib.tabular import normalise_header
from gonghui.lib.text import compact_code
from gonghui.unions.models import TradeUnion


class UnionCodeMixin:
    """A `union` field typed as a code, handed to the service as the union's id.

    A code outside the user's scope becomes id 0, so the service names the field
    together with every other wrong one."""

    def clean_union(self):
        code = compact_code(self.cleaned_data.get("union"))
        if not code:
            return ""
        union = TradeUnion.objects.visible_to(self.user).filter(code=code).first()
        return union.pk if union else 0


# --- hardship files -------------------------------------------------------------------


class FileForm(ServiceForm):
    """申请建档: the head by ID number, the household's description and the head's line."""

    head_id_number = forms.CharField(
        label=gettext_lazy("household head's ID-card number"),
        widget=CODE,
        help_text=gettext_lazy("The head is a current member of a union in your scope."),
    )
    applied_on = date_field(gettext_lazy("application date"), gettext_lazy("Today if left empty."))
    category = choice_field(gettext_lazy("category"), HardshipFile.Category.choices)
    standard_level = choice_field(
        gettext_lazy("filing standard"), HardshipFile.StandardLevel.choices
    )
    main_cause = choice_field(gettext_lazy("main cause"), HardshipFile.Cause.choices)
    other_causes = forms.MultipleChoiceField(
        label=gettext_lazy("other causes"),
        choices=HardshipFile.Cause.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checks"}),
    )
    situation = note_field(gettext_lazy("situation"), rows=3)
    housing = choice_field(gettext_lazy("housing"), HardshipFile.Housing.choices)
    medical_insurance = choice_field(
        gettext_lazy("medical insurance"), HardshipFile.MedicalInsurance.choices
    )
    bank_name = forms.CharField(label=gettext_lazy("bank"), max_length=50, required=False)
    bank_card = forms.CharField(
        label=gettext_lazy("bank card for payments"),
        required=False,
        widget=CODE,
        help_text=gettext_lazy("Stored encrypted and shown masked."),
    )
    head_work = choice_field(gettext_lazy("head's work"), HouseholdMember.Work.choices)
    head_income = money_field(
        gettext_lazy("head's monthly income (yuan)"), gettext_lazy("0 if none.")
    )
    head_health = choice_field(gettext_lazy("head's health"), HouseholdMember.Health.choices)
    head_disability = forms.ChoiceField(
        label=gettext_lazy("head's disability grade"),
        choices=HouseholdMember.Disability.choices,
        required=False,
    )

    # Shown in groups on the page; the head's work, income, health and disability sit on
    # the first line of the household table.
    GROUPS = (
        (gettext_lazy("Household head"), ("head_id_number", "applied_on")),
        (gettext_lazy("Hardship"), ("category", "standard_level", "main_cause", "other_causes",
                                    "situation")),
        (gettext_lazy("Living conditions and payments"), ("housing", "medical_insurance",
                                                          "bank_name", "bank_card")),
    )  # fmt: skip

    def groups(self):
        return [(title, [self[name] for name in names]) for title, names in self.GROUPS]


class HouseholdRowForm(forms.Form):
    """One household member besides the head (家庭成员)."""

    relation = choice_field(
        gettext_lazy("relation"),
        [c for c in HouseholdMember.Relation.choices if c[0] != HouseholdMember.Relation.SELF],
        required=False,
    )
    name = forms.CharField(label=gettext_lazy("real name"), required=False, max_length=50)
    id_number = forms.CharField(label=gettext_lazy("ID-card number"), required=False, widget=CODE)
    work = choice_field(gettext_lazy("work"), HouseholdMember.Work.choices, required=False)
    monthly_income = money_field(gettext_lazy("monthly income (yuan)"))
    health = choice_field(gettext_lazy("health"), HouseholdMember.Health.choices, required=False)
    disability = forms.ChoiceField(
        label=gettext_lazy("disability grade"),
        choices=HouseholdMember.Disability.choices,
        required=False,
    )

    def is_blank(self):
        data = getattr(self, "cleaned_data", {})
        return not any(data.get(name) for name in self.fields)

    def left_out(self):
        """Not handed to the service: a blank line."""
        return self.is_blank()


class FileEditForm(FileForm):
    """Correcting an open file's description: the head stays, the card is kept unless a
    new one is typed (the stored number never reaches the page), and a note says why."""

    note = note_field(
        gettext_lazy("reason for the change"),
        help_text=gettext_lazy("e.g. annual review; a child was born; new bank card."),
    )

    GROUPS = (
        (gettext_lazy("Hardship"), ("category", "standard_level", "main_cause", "other_causes",
                                    "situation")),
        (gettext_lazy("Living conditions and payments"), ("housing", "medical_insurance",
                                                          "bank_name", "bank_card")),
        (gettext_lazy("Reason for the change"), ("note",)),
    )  # fmt: skip

    def __init__(self, *args, card_masked="", **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["head_id_number"], self.fields["applied_on"]
        if card_masked:
            self.fields["bank_card"].label = gettext_lazy("new bank card for payments")
            self.fields["bank_card"].help_text = _("Leave empty to keep %(card)s.") % {
                "card": card_masked
            }


class MemberRowForm(HouseholdRowForm):
    """A household line on the edit page: a member on file (by `member`, the hidden pk;
    their ID number shown masked and kept as stored) or a new one (ID number typed)."""

    member = forms.CharField(required=False, widget=forms.HiddenInput)
    remove = forms.BooleanField(label=gettext_lazy("remove"), required=False)

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members or {}
        pk = str(self["member"].value() or "")
        self.on_file = self.members.get(pk)  # the HouseholdMember, None for a new line

    def clean_member(self):
        pk = str(self.cleaned_data.get("member") or "").strip()
        if pk and pk not in self.members:
            raise ValidationError(
                _("This line is not a member of this household; reload the page and try again.")
            )
        return pk

    def is_blank(self):
        data = getattr(self, "cleaned_data", {})
        if data.get("member"):
            return False
        return not any(data.get(name) for name in self.fields if name != "remove")

    def left_out(self):
        """Blank, or a member on file ticked for removal."""
        return self.is_blank() or bool(self.cleaned_data.get("remove") and self.on_file)


HOUSEHOLD_ROWS = 5  # blank rows offered; "more rows" adds more
EDIT_ROWS = 2  # blank rows below the members on file
MAX_HOUSEHOLD = 30
HouseholdFormSet = forms.formset_factory(
    HouseholdRowForm, extra=HOUSEHOLD_ROWS, max_num=MAX_HOUSEHOLD, absolute_max=MAX_HOUSEHOLD
)
MemberFormSet = forms.formset_factory(
    MemberRowForm, extra=EDIT_ROWS, max_num=MAX_HOUSEHOLD, absolute_max=MAX_HOUSEHOLD
)


def member_initial(member):
    """A member on file as the edit page's line starts (no ID number: it shows masked)."""
    return {
        "member": str(member.pk),
        "relation": member.relation,
        "name": member.name,
        "work": member.work,
        "monthly_income": member.monthly_income,
        "health": member.health,
        "disability": member.disability,
    }


def household_formset(data=None, more=0, members=None):
    """The household rows; `more` adds blank rows to a submitted set. With `members`
    (the file's members besides the head, by pk as text), the edit page's rows: those
    members first, then blank lines for new ones."""
    if data is not None and more:
        data = data.copy()
        key = "household-TOTAL_FORMS"
        total = int(data.get(key) or 0) if str(data.get(key) or "").isdigit() else 0
        data[key] = str(min(total + more, MAX_HOUSEHOLD))
    if members is None:
        return HouseholdFormSet(data, prefix="household")
    initial = None if data is not None else [member_initial(m) for m in members.values()]
    return MemberFormSet(
        data, prefix="household", initial=initial, form_kwargs={"members": members}
    )


def run_file_form(form, formset, call):
    """Call the service with the form and the household rows given (not blank, not
    removed); put its errors on the field they name: `household.N.field` on row N's
    field (N counts the rows given from 1, as the service numbers them)."""
    data = {k: v for k, v in form.cleaned_data.items() if k != "confirm"}
    given = [f for f in formset.forms if not f.left_out()]
    data["household"] = [dict(f.cleaned_data) for f in given]
    try:
        return call(data)
    except ValidationError as e:
        for field, messages in e.message_dict.items():
            parts = field.split(".")
            if parts[0] == "household" and len(parts) == 3 and parts[1].isdigit():
                n = int(parts[1]) - 1
                row = given[n] if 0 <= n < len(given) else None
                if row is not None and parts[2] in row.fields:
                    row.add_error(parts[2], messages)
                    continue
            if field in form.fields:
                form.add_error(field, messages)
            else:
                form.add_error(None, messages)
        return None


# --- the steps of a file --------------------------------------------------------------


class ReviewForm(ServiceForm):
    accepted = forms.TypedChoiceField(
        label=gettext_lazy("decision"),
        choices=[
            ("yes", gettext_lazy("accepted: go on to the home visit")),
            ("no", gettext_lazy("turned down")),
        ],
        coerce=lambda value: value == "yes",
        empty_value=None,
        widget=forms.RadioSelect,
    )
    reviewed_on = date_field(gettext_lazy("review date"), gettext_lazy("Today if left empty."))
    note = note_field(help_text=gettext_lazy("Required when the application is turned down."))


class VisitForm(ServiceForm):
    visited_on = date_field(gettext_lazy("visit date"))
    visitors = forms.CharField(
        label=gettext_lazy("visitors"),
        max_length=200,
        help_text=gettext_lazy("Names of the union staff who went, e.g. 王主席、刘干事."),
    )
    findings = note_field(gettext_lazy("findings"), rows=3)


class NoticeForm(ServiceForm):
    """公示 before filing; the exit notice uses the same fields under another date name."""

    date_name = "notice_from"

    workdays = forms.CharField(
        label=gettext_lazy("working days"),
        initial="5",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 3}),
        help_text=gettext_lazy("At least 5, counted with the official holiday calendar."),
    )
    note = note_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {
            self.date_name: date_field(
                gettext_lazy("first day of the notice"), gettext_lazy("Today if left empty.")
            ),
            **self.fields,
        }
        self.fields[self.date_name].show_required = False


class ExitNoticeForm(NoticeForm):
    date_name = "exit_notice_from"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].label = gettext_lazy("how the household came out of hardship")
        self.fields["note"].show_required = True


class FileHouseholdForm(ServiceForm):
    filed_on = date_field(gettext_lazy("filing date"), gettext_lazy("Today if left empty."))
    note = note_field()


class AnnualReviewForm(ServiceForm):
    reviewed_on = date_field(gettext_lazy("review date"), gettext_lazy("Today if left empty."))
    category = choice_field(
        gettext_lazy("category"),
        HardshipFile.Category.choices,
        blank=gettext_lazy("unchanged"),
        required=False,
    )
    note = note_field()


class ConfirmExitForm(ServiceForm):
    exited_on = date_field(gettext_lazy("exit date"), gettext_lazy("Today if left empty."))
    note = note_field()


class CloseForm(ServiceForm):
    closed_on = date_field(gettext_lazy("closing date"), gettext_lazy("Today if left empty."))
    note = note_field()


class RemoveForm(ServiceForm):
    removal_reason = choice_field(gettext_lazy("reason for removal"), HardshipFile.Removal.choices)
    closed_on = date_field(gettext_lazy("removal date"), gettext_lazy("Today if left empty."))
    note = note_field(gettext_lazy("explanation"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].show_required = True


class ReopenForm(ServiceForm):
    applied_on = date_field(
        gettext_lazy("date of the new application"), gettext_lazy("Today if left empty.")
    )


# --- assistance -----------------------------------------------------------------------


class RecordForm(ServiceForm):
    """One payment or gift (帮扶记录). With a file, the recipient is picked from its
    household (the whole ID number never reaches the page)."""

    member = forms.ChoiceField(label=gettext_lazy("recipient from the household"), choices=())
    name = forms.CharField(label=gettext_lazy("recipient"), max_length=50)
    id_number = forms.CharField(label=gettext_lazy("recipient's ID-card number"), widget=CODE)
    kind = choice_field(gettext_lazy("kind of help"), AssistanceRecord.Kind.choices)
    amount = money_field(gettext_lazy("amount (yuan)"), gettext_lazy("Leave empty for goods only."))
    goods = forms.CharField(
        label=gettext_lazy("goods"),
        max_length=200,
        help_text=gettext_lazy("e.g. 米一袋、油一桶、棉被一床"),
    )
    given_on = date_field(gettext_lazy("date"), gettext_lazy("Today if left empty."))
    campaign = forms.ChoiceField(label=gettext_lazy("campaign"), choices=())
    fund_source = forms.ChoiceField(
        label=gettext_lazy("fund source"), choices=AssistanceRecord.FundSource.choices
    )
    card = forms.CharField(
        label=gettext_lazy("paid to bank card"),
        widget=CODE,
        help_text=gettext_lazy("Left empty, a payment to a file's household goes to its card."),
    )
    school = forms.CharField(
        label=gettext_lazy("school admitted to"),
        max_length=100,
        help_text=gettext_lazy("For study grants (金秋助学)."),
    )
    declared_income = money_field(
        gettext_lazy("declared monthly income per head (yuan)"),
        gettext_lazy("For a campaign with an income limit, when the household is not on file."),
    )
    note = forms.CharField(label=gettext_lazy("note"), max_length=200)

    def __init__(self, *args, file=None, campaigns=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("member", "goods", "campaign", "card", "school", "note"):
            self.fields[name].show_required = False
        self.file = file
        self.household = {}
        if file is None:
            del self.fields["member"]
        else:
            self.household = {str(m.pk): m for m in file.household.all()}
            self.fields["member"].choices = [("", "—")] + [
                (pk, f"{m.name}（{m.get_relation_display()}） {m.id_number_masked}")
                for pk, m in self.household.items()
            ]
            self.fields["member"].help_text = _("Or type a name and ID number below.")
            self.fields["name"].show_required = False
            self.fields["id_number"].show_required = False
        self.fields["campaign"].choices = [("", _("none"))] + [
            (c.pk, f"{c.year} {c.name}（{c.union.name}）") for c in campaigns
        ]


# --- campaigns ------------------------------------------------------------------------


class CampaignForm(UnionCodeMixin, ServiceForm):
    name = forms.CharField(
        label=gettext_lazy("name"),
        max_length=100,
        help_text=gettext_lazy("e.g. 2026年金秋助学"),
    )
    season = choice_field(gettext_lazy("season"), Campaign.Season.choices)
    year = forms.CharField(
        label=gettext_lazy("year"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4}),
        help_text=gettext_lazy("The year of the start date if left empty."),
    )
    union = forms.CharField(
        label=gettext_lazy("union (code)"),
        widget=UnionPicker(),
        help_text=gettext_lazy("Your own union if left empty."),
    )
    budget = money_field(gettext_lazy("budget (yuan)"))
    starts_on = date_field(gettext_lazy("start date"))
    ends_on = date_field(gettext_lazy("end date"))
    income_limit = money_field(
        gettext_lazy("monthly income per head under (yuan)"),
        gettext_lazy("Households not on file qualify only below this income; blank: any."),
    )
    one_grant_per_person = forms.BooleanField(
        label=gettext_lazy("one grant per person per year (e.g. 金秋助学: one per child)")
    )
    requires_school = forms.BooleanField(
        label=gettext_lazy("admission to a school or university required")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for name in ("union", "year", "income_limit"):
            self.fields[name].show_required = False
        for name in ("one_grant_per_person", "requires_school"):
            self.fields[name].show_required = False


class AllocateForm(UnionCodeMixin, ServiceForm):
    union = forms.CharField(
        label=gettext_lazy("union (code)"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "list": "allocation-unions"}),
    )
    budget = money_field(gettext_lazy("amount allocated (yuan)"))
    name = forms.CharField(
        label=gettext_lazy("name"),
        max_length=100,
        help_text=gettext_lazy("The campaign's name if left empty."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["name"].show_required = False

    def clean_union(self):
        # Not the actor's own union when left empty: an allocation goes below.
        if not compact_code(self.cleaned_data.get("union")):
            raise ValidationError(_("Give the code of the union the money goes to."))
        return super().clean_union()


# --- distribution lists pasted from Excel ---------------------------------------------


class Column:
    """A column of a pasted list: its field, and the headers it goes by in Excel (the
    first is the one the page and the errors name, as the importers name theirs)."""

    def __init__(self, field, headers):
        self.field, self.headers = field, headers
        self.label = headers[0]


# The order of a list without a header line; a header line may order them otherwise.
PASTE_COLUMNS = [
    Column("name", ("姓名", "职工姓名", "学生姓名", "受助人", "名字")),
    Column("id_number", ("身份证号", "身份证号码", "公民身份号码", "身份证", "证件号码")),
    Column("amount", ("金额", "金额元", "金额(元)", "发放金额", "慰问金")),
    Column("goods", ("物品", "慰问品", "实物", "发放物品")),
    Column("card", ("银行卡号", "卡号", "银行账号", "账号")),
    Column("school", ("录取院校", "学校", "录取学校", "院校")),
    Column("declared_income", ("家庭人均月收入", "人均月收入", "月人均收入")),
    Column("note", ("备注",)),
]
COLUMN_LABELS = {c.field: c.label for c in PASTE_COLUMNS}
IGNORED_HEADERS = {"序号", "编号", "no", "no."}
HEADER_LOOKUP = {normalise_header(h): c for c in PASTE_COLUMNS for h in c.headers}


class PastedRow:
    """One person of a pasted list; `errors` names the fields the service refused."""

    def __init__(self, number, values):
        self.number, self.values, self.errors = number, values, []

    def shown(self):
        """(cell, refused) for each column, as the preview table shows the row."""
        return [(self.values.get(c.field, ""), c.field in self.errors) for c in PASTE_COLUMNS]


def read_pasted(text):
    """Rows (PastedRow, numbered from 1 as the list's people) from text copied out of
    Excel: tab-separated, a header line recognised and skipped, blank lines ignored.
    Raises ValidationError on the field `rows` when the header names unknown columns."""
    lines = [line for line in str(text or "").replace("\r\n", "\n").split("\n") if line.strip()]
    if not lines:
        return []
    columns = PASTE_COLUMNS
    header = lines[0].split("\t")
    first = [normalise_header(cell) for cell in header]
    if any(cell in HEADER_LOOKUP for cell in first):
        unknown = [
            raw.strip()
            for cell, raw in zip(first, header, strict=True)
            if cell and cell not in HEADER_LOOKUP and cell not in IGNORED_HEADERS
        ]
        if unknown:
            raise ValidationError(
                {
                    "rows": _(
                        "The header line has columns this list does not take: %(columns)s. "
                        "Remove them or paste without a header line."
                    )
                    % {"columns": "、".join(unknown)}
                }
            )
        columns = [HEADER_LOOKUP.get(cell) for cell in first]
        lines = lines[1:]
    rows = []
    for number, line in enumerate(lines, start=1):
        values = {}
        for column, cell in zip(columns, line.split("\t"), strict=False):
            if column is not None and cell.strip():
                values[column.field] = cell.strip()
        rows.append(PastedRow(number, values))
    return rows


class DistributeForm(ServiceForm):
    """A campaign's distribution list (发放名单), pasted from Excel."""

    given_on = date_field(gettext_lazy("date given"), gettext_lazy("Today if left empty."))
    kind = choice_field(
        gettext_lazy("kind of help"),
        AssistanceRecord.Kind.choices,
        blank=gettext_lazy("as the campaign's season implies"),
    )
    fund_source = forms.ChoiceField(
        label=gettext_lazy("fund source"), choices=AssistanceRecord.FundSource.choices
    )
    rows = forms.CharField(
        label=gettext_lazy("the list, pasted from Excel"),
        widget=forms.Textarea({"rows": 12, "spellcheck": "false", "wrap": "off"}),
        help_text=gettext_lazy(
            "Select the rows in Excel and paste them here. Columns in this order: 姓名, "
            "身份证号, 金额, 物品, 银行卡号, 录取院校 (and optionally 家庭人均月收入, 备注); "
            "a header line is recognised and may order them otherwise. Rows are numbered "
            "from the first person on the list."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].show_required = False
        self.fields["given_on"].show_required = False
