"""Assistance given (帮扶记录): one record, a campaign's distribution list, cancelling.

A record names its recipient by name and ID number, so a worker outside the registry (a
rider met on a 送清凉 round) can be helped; a registered person is linked. Against a
campaign, the amount must fit what is left of its budget and the campaign's rules hold
(金秋助学: admission to a school, household on file or income under the limit, one
grant per child per year). A distribution list is all or nothing.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.assistance.models import AssistanceRecord, Campaign, HardshipFile, HouseholdMember
from gonghui.assistance.services import campaigns
from gonghui.assistance.services.campaigns import _union
from gonghui.core import audit, crypto
from gonghui.core import values as read
from gonghui.core.models import AuditEvent
from gonghui.core.scope import require_editor, require_visible
from gonghui.core.sealed import BANK_CARD, ID_NUMBER
from gonghui.core.validation import Errors
from gonghui.members.services import find_person

Kind = AssistanceRecord.Kind
FOLLOW_UP_KINDS = AssistanceRecord.FOLLOW_UP_KINDS
# The kind a campaign's records take when the list does not say.
KIND_BY_SEASON = {
    Campaign.Season.WINTER: Kind.SEASONAL,
    Campaign.Season.SUMMER: Kind.SEASONAL,
    Campaign.Season.SPRING: Kind.EMPLOYMENT,
    Campaign.Season.AUTUMN: Kind.STUDY,
}
RECORD_AUDIT_FIELDS = (
    "name",
    "id_number_masked",
    "kind",
    "amount",
    "goods",
    "given_on",
    "campaign",
    "fund_source",
    "card_masked",
    "file",
)


def _instance(model, data, field, errors, actor):
    """A file or campaign named by id or given as an instance, within the scope."""
    value = data.get(field)
    if value in (None, ""):
        return None
    if isinstance(value, bool):  # JSON true is not record 1
        value = None
    elif not isinstance(value, model):
        try:
            value = model.objects.get(pk=int(value))
        except (TypeError, ValueError, model.DoesNotExist):
            value = None
    if value is None or not model.objects.visible_to(actor).filter(pk=value.pk).exists():
        errors.add(field, _("No such record in your scope."))
        return None
    return value


def _visible(actor, record):
    return AssistanceRecord.objects.visible_to(actor).filter(pk=record.pk).exists()


class Batch:
    """What the records of one submission take from campaigns, so a list cannot overspend
    or grant one child twice between its own rows."""

    def __init__(self):
        self.left = {}  # campaign id → yuan left
        self.granted = {}  # (season, year, id index) → row label

    def remaining(self, campaign):
        if campaign.pk not in self.left:
            self.left[campaign.pk] = campaigns.remaining(campaigns.lock(campaign))
        return self.left[campaign.pk]


def _check(actor, data, errors, batch, label=""):
    """The values of one record, every rule checked; errors go to `errors`."""
    campaign = _instance(Campaign, data, "campaign", errors, actor)
    file = _instance(HardshipFile, data, "file", errors, actor)
    # The giving union: as named, else the actor's own (a county's 送温暖 to a grassroots
    # household is the county's), else the file's (a platform administrator's entry).
    if data.get("union") or actor.union_id or file is None:
        union = _union(data, errors, actor)
    else:
        union = file.union
    kind = data.get("kind") or (KIND_BY_SEASON.get(campaign.season) if campaign else "")
    values = {
        "union": union,
        "file": file,
        "campaign": campaign,
        "name": read.text(data, "name", errors, required=True, max_length=50),
        "id_number": read.id_number(data, "id_number", errors),
        "kind": read.choice({"kind": kind}, "kind", Kind, errors),
        "amount": read.money(data, "amount", errors, default=read.CENT * 0),
        "goods": read.text(data, "goods", errors),
        "given_on": read.date(data, "given_on", errors, default=read.today()),
        "fund_source": read.choice(
            {"fund_source": data.get("fund_source") or AssistanceRecord.FundSource.UNION},
            "fund_source",
            AssistanceRecord.FundSource,
            errors,
        ),
        "card": read.bank_card(data, "card", errors),
        "school": read.text(data, "school", errors, max_length=100),
        "declared_income": read.money(data, "declared_income", errors),
        "note": read.text(data, "note", errors),
    }
    amount = values["amount"]
    if amount is not None and not amount and not values["goods"]:
        errors.add("amount", _("Give an amount, or the goods given."))
    index = crypto.blind_index(values["id_number"]) if values["id_number"] else None
    if file is not None:
        _check_file(file, values, index, errors)
    if campaign is not None:
        _check_campaign(actor, campaign, values, index, errors, batch, label)
    return values


def _check_file(file, values, index, errors):
    if index and not file.household.filter(id_number_index=index).exists():
        errors.add("id_number", _("This person is not of the file's household."))
    # Relief is for the time the household was in hardship: judged on the day given, so a
    # payment made before the exit and entered after it still goes in.
    ended = file.exited_on or file.closed_on
    given_on, kind = values["given_on"], values["kind"]
    if ended and given_on and given_on >= ended and kind and kind not in FOLLOW_UP_KINDS:
        errors.add(
            "kind",
            _(
                "The file is %(status)s since %(date)s: only follow-up help (legal aid, "
                "employment help, seasonal visits) may be recorded against it from then."
            )
            % {"status": file.get_status_display(), "date": ended},
        )


def _check_campaign(actor, campaign, values, index, errors, batch, label):
    union, given_on, amount = values["union"], values["given_on"], values["amount"]
    if union is not None and not union.path.startswith(campaign.union.path):
        errors.add("campaign", _("This campaign is not run for %(union)s.") % {"union": union})
    if given_on and not campaign.starts_on <= given_on <= campaign.ends_on:
        errors.add(
            "given_on",
            _("The campaign runs from %(start)s to %(end)s.")
            % {"start": campaign.starts_on, "end": campaign.ends_on},
        )
    if campaign.requires_school and not values["school"]:
        errors.add("school", _("Name the school or university the student was admitted to."))
    on_file = (
        index
        and HouseholdMember.objects.filter(
            id_number_index=index, file__status__in=HardshipFile.ON_FILE
        ).exists()
    )
    if campaign.income_limit is not None and index and not on_file:
        income = values["declared_income"]
        if income is None:
            errors.add(
                "declared_income",
                _(
                    "The household is not on file: give its monthly income per head "
                    "(this campaign helps households under %(limit)s yuan)."
                )
                % {"limit": campaign.income_limit},
            )
        elif income >= campaign.income_limit:
            errors.add(
                "declared_income",
                _("This campaign helps households under %(limit)s yuan a month per head.")
                % {"limit": campaign.income_limit},
            )
    if campaign.one_grant_per_person and index:
        key = (campaign.season, campaign.year, index)
        earlier = (
            AssistanceRecord.objects.active()
            .filter(
                id_number_index=index,
                campaign__season=campaign.season,
                campaign__year=campaign.year,
                campaign__one_grant_per_person=True,
            )
            .select_related("campaign")
            .first()
        )
        if earlier is not None and not _visible(actor, earlier):
            # Another branch's grant: that there was one, not which or when (DESIGN rule 2).
            errors.add(
                "id_number",
                _("%(name)s already received such a grant this year from another union.")
                % {"name": values["name"]},
            )
        elif earlier is not None:
            errors.add(
                "id_number",
                _("%(name)s already received a grant of %(campaign)s on %(date)s.")
                % {"name": earlier.name, "campaign": earlier.campaign, "date": earlier.given_on},
            )
        elif key in batch.granted:
            errors.add("id_number", _("Listed twice (also %(row)s).") % {"row": batch.granted[key]})
        else:
            batch.granted[key] = label
    if amount:
        left = batch.remaining(campaign)
        if amount > left:
            errors.add(
                "amount",
                _("Only %(left)s yuan of the campaign's budget is left.") % {"left": left},
            )
        else:
            batch.left[campaign.pk] = left - amount


def _create(actor, values):
    number, card = values.pop("id_number"), values.pop("card")
    file = values["file"]
    record = AssistanceRecord(
        **values,
        person=find_person(number),
        **ID_NUMBER.columns(number),
        recorded_by=actor,
    )
    if card:
        BANK_CARD.apply(record, card, prefix="card")
    elif file is not None and file.bank_card_encrypted:
        # Paid to the card on the household's file unless another is named.
        record.card_encrypted, record.card_masked = file.bank_card_encrypted, file.bank_card_masked
    record.save()
    audit.record(
        AuditEvent.Action.CREATE,
        record,
        actor=actor,
        changes=audit.diff({}, audit.snapshot(record, RECORD_AUDIT_FIELDS)),
    )
    return record


@transaction.atomic
def record(actor, data):
    """Record one payment or gift."""
    require_editor(actor)
    errors = Errors()
    values = _check(actor, data, errors, Batch())
    errors.raise_if_any()
    return _create(actor, values)


@transaction.atomic
def record_list(actor, common, rows):
    """A distribution list (发放名单): `common` (campaign, kind, date, fund source…) holds
    for every row unless the row says otherwise. All or nothing: errors are named
    `rows.N.field` with N counted from 1, as the user numbers the list."""
    require_editor(actor)
    if not rows:
        raise ValidationError({"rows": _("The list is empty.")})
    errors, batch, checked = Errors(), Batch(), []
    for n, row in enumerate(rows, start=1):
        data = {**common, **{k: v for k, v in row.items() if v not in (None, "")}}
        row_errors = read.Prefixed(errors, f"rows.{n}.")
        label = _("row %(n)d") % {"n": n}
        checked.append(_check(actor, data, row_errors, batch, label))
    errors.raise_if_any()
    return [_create(actor, values) for values in checked]


@transaction.atomic
def cancel(actor, record, data):
    """作废: the record stays, marked cancelled with who, when and why; its money returns
    to the campaign."""
    require_editor(actor)
    require_visible(actor, record)
    record = AssistanceRecord.objects.select_for_update().get(pk=record.pk)
    errors = Errors()
    if record.is_cancelled:
        errors.add("status", _("This record is cancelled already."))
    reason = read.text(data, "reason", errors, required=True)
    errors.raise_if_any()
    record.cancelled_at, record.cancelled_by, record.cancel_reason = (
        timezone.now(),
        actor,
        reason,
    )
    record.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason"])
    audit.record(
        AuditEvent.Action.UPDATE,
        record,
        actor=actor,
        changes={"cancelled_at": ["", audit.display(record.cancelled_at)]},
        note=reason,
    )
    return record
