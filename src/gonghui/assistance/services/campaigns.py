"""Campaigns (四季送) and their money: budgets, allocations down the tree, spend rolled up.

A campaign's money is its budget less what it allocated to lower levels (each allocation a
campaign of its own) less what was paid under it directly; what the whole tree of
allocations paid is its spend rolled up (逐级汇总).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from gonghui.assistance.models import AssistanceRecord, Campaign
from gonghui.core import audit
from gonghui.core import values as read
from gonghui.core.models import AuditEvent
from gonghui.core.scope import require_editor, require_visible
from gonghui.core.validation import Errors
from gonghui.unions.models import TradeUnion

CAMPAIGN_AUDIT_FIELDS = (
    "name",
    "season",
    "year",
    "union",
    "parent",
    "budget",
    "starts_on",
    "ends_on",
    "income_limit",
    "one_grant_per_person",
    "requires_school",
)
ZERO = Decimal("0.00")


def _union(data, errors, actor, field="union"):
    """The union named by id (API, form) or given as an instance, within the scope."""
    value = data.get(field)
    if value in (None, ""):
        if actor.union_id:
            return actor.union
        errors.add(field, _("This field is required."))
        return None
    if isinstance(value, bool):  # JSON true is not union 1
        union = None
    elif isinstance(value, TradeUnion):
        union = value
    else:
        try:
            union = TradeUnion.objects.get(pk=int(value))
        except (TypeError, ValueError, TradeUnion.DoesNotExist):
            union = None
    if union is None or not TradeUnion.objects.visible_to(actor).filter(pk=union.pk).exists():
        errors.add(field, _("No such union in your scope."))
        return None
    return union


def _campaign_values(data, errors):
    values = {
        "name": read.text(data, "name", errors, required=True, max_length=100),
        "season": read.choice(data, "season", Campaign.Season, errors),
        "budget": read.money(data, "budget", errors, required=True),
        "starts_on": read.date(data, "starts_on", errors, not_future=False),
        "ends_on": read.date(data, "ends_on", errors, not_future=False),
        "income_limit": read.money(data, "income_limit", errors),
        "one_grant_per_person": bool(data.get("one_grant_per_person")),
        "requires_school": bool(data.get("requires_school")),
    }
    year = read.whole_number(data, "year", errors, default=None, minimum=2000)
    if year is None and values["starts_on"]:
        year = values["starts_on"].year
    if year is None and "year" not in errors.by_field:
        errors.add("year", _("This field is required."))
    values["year"] = year
    if values["starts_on"] and values["ends_on"] and values["ends_on"] < values["starts_on"]:
        errors.add("ends_on", _("The end date comes before the start date."))
    return values


@transaction.atomic
def create(actor, data):
    """A campaign of the actor's union (or one below it) with its own budget."""
    require_editor(actor)
    errors = Errors()
    union = _union(data, errors, actor)
    values = _campaign_values(data, errors)
    errors.raise_if_any()
    campaign = Campaign.objects.create(union=union, created_by=actor, **values)
    audit.record(
        AuditEvent.Action.CREATE,
        campaign,
        actor=actor,
        changes=audit.diff({}, audit.snapshot(campaign, CAMPAIGN_AUDIT_FIELDS)),
    )
    return campaign


def allocated(campaign):
    return campaign.allocations.aggregate(s=Sum("budget"))["s"] or ZERO


def spent_directly(campaign):
    return campaign.records.active().aggregate(s=Sum("amount"))["s"] or ZERO


def remaining(campaign):
    """What is left to pay or allocate under this campaign itself."""
    return campaign.budget - allocated(campaign) - spent_directly(campaign)


def lock(campaign):
    """The campaign row locked, so two payments cannot both take its last yuan."""
    return Campaign.objects.select_for_update().get(pk=campaign.pk)


@transaction.atomic
def allocate(actor, campaign, data):
    """下拨: pass part of the budget to a union below, as a campaign of its own with the
    same season, period and rules."""
    require_editor(actor)
    require_visible(actor, campaign)
    campaign = lock(campaign)
    errors = Errors()
    union = _union(data, errors, actor)
    budget = read.money(data, "budget", errors, required=True)
    # Read before the errors are raised: a name too long must be refused, not saved.
    name = read.text(data, "name", errors, max_length=100) or campaign.name
    if union is not None and (
        union.pk == campaign.union_id or not union.path.startswith(campaign.union.path)
    ):
        errors.add("union", _("Allocate to a union below %(union)s.") % {"union": campaign.union})
    left = remaining(campaign)
    if budget is not None and budget > left:
        errors.add(
            "budget",
            _("Only %(left)s yuan of this campaign is left to allocate.") % {"left": left},
        )
    errors.raise_if_any()
    try:
        with transaction.atomic():
            child = Campaign.objects.create(
                name=name,
                season=campaign.season,
                year=campaign.year,
                union=union,
                parent=campaign,
                budget=budget,
                starts_on=campaign.starts_on,
                ends_on=campaign.ends_on,
                income_limit=campaign.income_limit,
                one_grant_per_person=campaign.one_grant_per_person,
                requires_school=campaign.requires_school,
                created_by=actor,
            )
    except IntegrityError:
        raise ValidationError(
            {"union": _("This campaign already has an allocation to %(union)s.") % {"union": union}}
        ) from None
    audit.record(
        AuditEvent.Action.CREATE,
        child,
        actor=actor,
        changes=audit.diff({}, audit.snapshot(child, CAMPAIGN_AUDIT_FIELDS)),
        note=_("Allocated from %(campaign)s.") % {"campaign": campaign},
    )
    return child


def tree(campaign):
    """The campaign and every allocation below it, level by level (≤ 5 queries)."""
    found, level = [campaign], [campaign.pk]
    while level:
        below = list(Campaign.objects.filter(parent_id__in=level).select_related("union"))
        found += below
        level = [c.pk for c in below]
    return found


def money(campaign):
    """Budget, allocated, paid directly, paid by the whole tree, and what is left."""
    ids = [c.pk for c in tree(campaign)]
    rolled = (
        AssistanceRecord.objects.active()
        .filter(campaign_id__in=ids)
        .aggregate(s=Sum("amount"))["s"]
        or ZERO
    )
    given, paid = allocated(campaign), spent_directly(campaign)
    return {
        "budget": campaign.budget,
        "allocated": given,
        "spent": paid,
        "spent_rolled_up": rolled,
        "remaining": campaign.budget - given - paid,
    }
