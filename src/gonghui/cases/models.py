"""Rights protection and the 12351 line (维权案件, 12351 工单).

A Case is one request from a worker (or about workers): a question, a call for help, a
complaint, a request for legal aid or a suggestion, from the first answer (首问负责) to the
follow-up call (回访). It is handled by one union at a time (`union`); while it is being
handed to another (转办) that union sees it too (`transfer_to`) and accepts or returns it.
Its deadline counts working days from the day it was taken, by kind and complexity
(cases/deadlines.py). The caller's phone and ID number are stored as persons' are:
encrypted, blind-indexed, masked.

A CaseAction is a step taken while handling: mediation, a legal-aid referral, one of the
一函两书 letters to the employer (with the employer's reply), joint handling with 人社 or a
court. A DeadlineRule is a level's own deadline for a kind and complexity, for its subtree.
"""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.model_fields import money_field, user_field
from gonghui.core.scope import ScopedQuerySet

OPEN_ROWS = Q(status__in=["taken", "transferring", "handling"])


class CaseQuerySet(ScopedQuerySet):
    # The handling union's subtree, and the union it is being handed to (which must see
    # what it is asked to accept): copies of their paths on the case, so a workbench's
    # box is one index range (bench/cases.py: 118 ms by a join to the unions, 1 ms so).
    scope_paths = ("union_path", "transfer_path")

    def open(self):
        return self.filter(status__in=Case.OPEN)


class Case(models.Model):
    class Channel(models.TextChoices):
        HOTLINE = "hotline", _("12351 hotline")
        WEB = "web", _("website")
        APP = "app", _("app or mini-program")
        WALK_IN = "walk_in", _("walk-in")
        LETTER = "letter", _("letter")
        COURT = "court", _("court referral")
        TRANSFERRED = "transferred", _("transferred from another level")

    class Kind(models.TextChoices):
        CONSULTATION = "consultation", _("consultation")  # 问题咨询
        SERVICE = "service", _("service and help")  # 服务帮扶
        COMPLAINT = "complaint", _("complaint")  # 信访投诉
        LEGAL_AID = "legal_aid", _("legal aid")  # 法律援助
        SUGGESTION = "suggestion", _("suggestion")  # 意见建议

    class Subject(models.TextChoices):
        WAGES = "wages", _("unpaid wages")  # 欠薪
        INJURY = "injury", _("work injury")  # 工伤
        CONTRACT = "contract", _("labour contract")  # 劳动合同
        INSURANCE = "insurance", _("social insurance")  # 社会保险
        DISMISSAL = "dismissal", _("ending of employment")  # 解除劳动关系
        GIG = "gig", _("rights of platform workers")  # 新就业形态权益
        WOMEN = "women", _("women workers' rights")  # 女职工权益
        OTHER = "other", _("other")

    class Complexity(models.TextChoices):
        GENERAL = "general", _("general")  # 一般
        DIFFICULT = "difficult", _("difficult")  # 难点
        COMPLEX = "complex", _("especially complex")  # 特别复杂

    class Status(models.TextChoices):
        TAKEN = "taken", _("taken")  # 已受理, with the union that took it (首问)
        TRANSFERRING = "transferring", _("being handed over")  # 转办中, awaiting acceptance
        HANDLING = "handling", _("being handled")  # 办理中
        CONCLUDED = "concluded", _("concluded, awaiting the call back")  # 已办结, 待回访
        CLOSED = "closed", pgettext_lazy("case", "closed")  # 已回访, 结案

    class Outcome(models.TextChoices):
        RESOLVED = "resolved", _("resolved")
        PARTLY = "partly", _("partly resolved")
        CANNOT = "cannot", _("cannot be resolved")  # 办不了: the caller is told why

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("satisfied")
        BASICALLY = "basically", _("basically satisfied")
        UNSATISFIED = "unsatisfied", _("unsatisfied")

    class CourtReferral(models.TextChoices):
        BEFORE_FILING = "before_filing", _("entrusted before filing (委派)")
        AFTER_FILING = "after_filing", _("entrusted after filing (委托)")

    class ExtensionState(models.TextChoices):
        NONE = "", _("none")
        ASKED = "asked", _("asked for")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")

    OPEN = (Status.TAKEN, Status.TRANSFERRING, Status.HANDLING)  # a deadline runs
    ENDED = (Status.CONCLUDED, Status.CLOSED)

    number = models.CharField(_("case number"), max_length=20, unique=True, editable=False)
    union = models.ForeignKey(
        "unions.TradeUnion",
        verbose_name=_("handling union"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    first_union = models.ForeignKey(
        "unions.TradeUnion",
        verbose_name=_("union that took the case"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    transfer_to = models.ForeignKey(
        "unions.TradeUnion",
        verbose_name=_("being handed to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    transfer_note = models.CharField(_("hand-over note"), max_length=500, blank=True)
    # The paths of `union` and `transfer_to`, kept by save() and by unions/moving.py.
    union_path = models.CharField(max_length=255, editable=False, default="")
    transfer_path = models.CharField(max_length=255, editable=False, blank=True, default="")
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.TAKEN
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    subject = models.CharField(_("subject"), max_length=12, choices=Subject.choices)
    complexity = models.CharField(
        _("complexity"), max_length=10, choices=Complexity.choices, default=Complexity.GENERAL
    )
    # The caller (来电人): may be no member; linked to the registry when found.
    caller_name = models.CharField(_("caller"), max_length=50)
    phone_encrypted = models.BinaryField(null=True, editable=False)
    phone_index = models.CharField(max_length=64, blank=True, editable=False)
    phone_masked = models.CharField(_("mobile phone"), max_length=20, blank=True, editable=False)
    id_number_encrypted = models.BinaryField(null=True, editable=False)
    id_number_index = models.CharField(max_length=64, blank=True, editable=False)
    id_number_masked = models.CharField(
        _("ID-card number"), max_length=18, blank=True, editable=False
    )
    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("registered person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confidential = models.BooleanField(_("confidential caller"), default=False)
    reply_wanted = models.BooleanField(_("reply wanted"), default=True)
    # The employer: from the registry, or as the caller names it.
    employer = models.ForeignKey(
        "unions.Employer",
        verbose_name=_("employer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    employer_name = models.CharField(_("employer"), max_length=100, blank=True)
    employer_uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    workers = models.PositiveIntegerField(_("workers concerned"), default=1)
    amount_claimed = money_field(_("sum claimed (yuan)"), null=True, blank=True)
    request = models.TextField(_("what is asked"))
    # Dates and the deadline (working days, cases/deadlines.py).
    received_on = models.DateField(_("taken on"))
    due_on = models.DateField(_("due by"))
    workdays = models.PositiveSmallIntegerField(_("working days allowed"))
    extension_state = models.CharField(
        _("extension"), max_length=10, choices=ExtensionState.choices, blank=True, default=""
    )
    extension_workdays = models.PositiveSmallIntegerField(_("extension (working days)"), default=0)
    extension_reason = models.CharField(_("reason for the extension"), max_length=500, blank=True)
    supervised = models.BooleanField(_("supervised from above (督办)"), default=False)
    urged_on = models.DateField(_("last urged"), null=True, blank=True)
    # 诉调对接: a court's referral and its own clock (30 days, one extension of 30).
    court_referral = models.CharField(
        _("court referral"), max_length=14, choices=CourtReferral.choices, blank=True
    )
    court_name = models.CharField(_("court"), max_length=100, blank=True)
    court_due_on = models.DateField(_("mediation due by"), null=True, blank=True)
    court_extended = models.BooleanField(_("mediation extended"), default=False)
    # 办结.
    concluded_on = models.DateField(_("concluded on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    answer = models.TextField(_("answer given"), blank=True)  # 办理结果 / 办不了说明
    amount_recovered = money_field(_("money recovered (yuan)"), null=True, blank=True)
    workers_helped = models.PositiveIntegerField(_("workers helped"), null=True, blank=True)
    judicial_confirmation = models.BooleanField(_("sent for judicial confirmation"), default=False)
    dispute_focus = models.TextField(_("points in dispute"), blank=True)  # 争议焦点
    mediation_difficulty = models.TextField(_("why mediation failed"), blank=True)  # 调解难点
    # 回访 and 质检.
    called_back_on = models.DateField(_("called back on"), null=True, blank=True)
    satisfaction = models.CharField(
        _("satisfaction"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    reopened = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    checked_on = models.DateField(_("quality-checked on"), null=True, blank=True)
    check_passed = models.BooleanField(_("quality check passed"), null=True, blank=True)
    check_note = models.CharField(_("quality-check note"), max_length=500, blank=True)
    # A worker's own report from the public page: the consent text's version they agreed to
    # (PIPL art. 29), as the join page records it.
    consent_version = models.CharField(_("consent version"), max_length=20, blank=True)
    created_by = user_field(_("taken by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-id"]
        indexes = [
            # The workbench: open cases (a few per cent of all) of a subtree by deadline,
            # and the province's by deadline alone; the one partial condition on all
            # three, so an OR of the two paths is a BitmapOr of the first two.
            models.Index(
                fields=["union_path", "due_on"],
                condition=OPEN_ROWS,
                name="case_open_path_due",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
            models.Index(
                fields=["transfer_path"],
                condition=OPEN_ROWS,
                name="case_open_transfer_path",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(fields=["due_on"], condition=OPEN_ROWS, name="case_open_due"),
            # Extensions waiting for a decision, by subtree (a handful).
            models.Index(
                fields=["union_path"],
                condition=OPEN_ROWS & Q(extension_state="asked"),
                name="case_extension_asked",
                opclasses=["varchar_pattern_ops"],
            ),
            # Concluded cases waiting for their call back, by subtree.
            models.Index(
                fields=["union_path"],
                condition=Q(status="concluded"),
                name="case_to_call_back",
                opclasses=["varchar_pattern_ops"],
            ),
            # Every case of a subtree (the register, the figures).
            models.Index(
                fields=["union_path", "received_on"],
                name="case_path_received",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
            models.Index(fields=["union", "status", "due_on"], name="case_union_status_due"),
            models.Index(fields=["transfer_to"], name="case_transfer_to"),
            models.Index(fields=["received_on"], name="case_received"),
            models.Index(fields=["phone_index"], name="case_phone"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(workers__gte=1), name="case_has_workers"),
            models.CheckConstraint(
                condition=Q(status="transferring", transfer_to__isnull=False)
                | (~Q(status="transferring") & Q(transfer_to__isnull=True)),
                name="case_transfer_while_transferring",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["concluded", "closed"]) | ~Q(outcome=""),
                name="case_concluded_has_outcome",
            ),
            models.CheckConstraint(
                condition=Q(amount_claimed__isnull=True) | Q(amount_claimed__gte=0),
                name="case_claim_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(amount_recovered__isnull=True) | Q(amount_recovered__gte=0),
                name="case_recovered_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("received_on")), name="case_due_after_taken"
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        self.union_path = self.union.path
        self.transfer_path = self.transfer_to.path if self.transfer_to_id else ""
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "union_path", "transfer_path"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("cases:case", args=[self.pk])

    @property
    def is_open(self):
        return self.status not in self.ENDED


class CaseAction(models.Model):
    """A step taken while a case is handled, with its text and, for a letter, the
    employer's reply."""

    class Kind(models.TextChoices):
        MEDIATION = "mediation", _("mediation")  # 调解, with the agreement
        LEGAL_AID = "legal_aid", _("legal-aid referral")  # 法律援助转介
        REMINDER_LETTER = "reminder_letter", _("reminder letter (提示函)")
        OPINION_LETTER = "opinion_letter", _("opinion letter (意见书)")
        ADVICE_LETTER = "advice_letter", _("advice letter (建议书)")
        JOINT_HRSS = "joint_hrss", _("joint handling with human resources and social security")
        JOINT_COURT = "joint_court", _("joint handling with the court")
        OTHER = "other", _("other")

    LETTERS = (Kind.REMINDER_LETTER, Kind.OPINION_LETTER, Kind.ADVICE_LETTER)

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    taken_on = models.DateField(_("date"))
    text = models.TextField(_("what was done"))
    agreement = models.TextField(_("agreement reached"), blank=True)
    reply_due_on = models.DateField(_("reply due by"), null=True, blank=True)
    replied_on = models.DateField(_("employer replied on"), null=True, blank=True)
    reply = models.TextField(_("employer's reply"), blank=True)
    recorded_by = user_field(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("case action")
        verbose_name_plural = _("case actions")
        ordering = ["taken_on", "id"]

    def __str__(self):
        return f"{self.case.number} {self.get_kind_display()} {self.taken_on}"

    @property
    def is_letter(self):
        return self.kind in self.LETTERS


class DeadlineRuleQuerySet(ScopedQuerySet):
    scope_paths = ("union__path",)


class DeadlineRule(models.Model):
    """A level's deadline for a kind and complexity of case, for its whole subtree; a
    nearer level's rule wins, and without one the platform's default holds."""

    union = models.ForeignKey(
        "unions.TradeUnion", verbose_name=_("union"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Case.Kind.choices)
    complexity = models.CharField(_("complexity"), max_length=10, choices=Case.Complexity.choices)
    workdays = models.PositiveSmallIntegerField(_("working days"))

    objects = DeadlineRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("case deadline")
        verbose_name_plural = _("case deadlines")
        constraints = [
            models.UniqueConstraint(
                fields=["union", "kind", "complexity"], name="deadline_rule_once"
            ),
            models.CheckConstraint(
                condition=Q(workdays__gte=1) & Q(workdays__lte=120), name="deadline_rule_range"
            ),
        ]

    def __str__(self):
        return f"{self.union} {self.kind}/{self.complexity}: {self.workdays}"
