"""Help for workers in hardship (困难职工帮扶): household files, assistance, campaigns.

A HardshipFile (困难职工档案) is one household's episode of hardship, from application to
exit or removal; when hardship returns the household gets a new file that points to the
old one, so each file's dates stay true for the figures. Household members' ID numbers
and the bank card are stored as persons' are: encrypted, blind-indexed and masked.

An AssistanceRecord (帮扶记录) is one payment or gift to a worker, with or without a file.
A Campaign (四季送 and others) has a budget; its allocations to lower levels are campaigns
of their own with `parent` set, so spend rolls up the campaign tree.
"""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gonghui.core.model_fields import money_field, user_field
from gonghui.core.scope import ScopedQuerySet


class HardshipFileQuerySet(ScopedQuerySet):
    scope_paths = ("union__path",)

    def open(self):
        return self.filter(status__in=HardshipFile.OPEN)


class HardshipFile(models.Model):
    """One household in hardship, opened for a member, the household head (户主)."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("applied")  # 申请
        REVIEWED = "reviewed", _("reviewed")  # 审核通过, awaiting the home visit
        VISITED = "visited", _("home visit done")  # 入户核查
        NOTICE = "notice", _("public notice")  # 公示
        FILED = "filed", _("on file")  # 建档
        EXIT_NOTICE = "exit_notice", _("exit notice")  # 脱困公示
        FOLLOW_UP = "follow_up", _("follow-up after exit")  # 脱困后跟踪回访
        CLOSED = "closed", _("closed")  # 销档
        REMOVED = "removed", _("removed")  # 移除: death, re-assessment
        REJECTED = "rejected", _("not accepted")  # 审核未通过

    OPEN = (
        Status.APPLIED,
        Status.REVIEWED,
        Status.VISITED,
        Status.NOTICE,
        Status.FILED,
        Status.EXIT_NOTICE,
        Status.FOLLOW_UP,
    )
    # Files whose household counts as "on file" (在档) for the figures.
    ON_FILE = (Status.FILED, Status.EXIT_NOTICE)

    class Category(models.TextChoices):
        DEEP = "deep", _("deep hardship")  # 深度困难
        RELATIVE = "relative", _("relative hardship")  # 相对困难
        ACCIDENT = "accident", _("hardship by accident")  # 意外致困

    class StandardLevel(models.TextChoices):
        NATIONAL = "national", _("national standard")  # 全国
        PROVINCE = "province", _("provincial standard")  # 省
        CITY = "city", _("city standard")  # 市
        COUNTY = "county", _("county standard")  # 县

    class Cause(models.TextChoices):
        ILLNESS = "illness", _("illness")
        DISABILITY = "disability", _("disability")
        ACCIDENT = "accident", _("accident")
        SCHOOLING = "schooling", _("children's schooling")
        UNEMPLOYMENT = "unemployment", _("unemployment")
        DISASTER = "disaster", _("disaster")
        OTHER = "other", _("other")

    class Housing(models.TextChoices):
        OWNED = "owned", _("own home")
        RENTED = "rented", _("rented")
        PUBLIC = "public", _("public rental housing")  # 公租房
        OTHER = "other", _("other")

    class MedicalInsurance(models.TextChoices):
        EMPLOYEE = "employee", _("employee medical insurance")  # 职工医保
        RESIDENT = "resident", _("resident medical insurance")  # 城乡居民医保
        NONE = "none", _("none")

    class Removal(models.TextChoices):
        DEATH = "death", _("death")
        REASSESSED = "reassessed", _("no longer meets the standard on re-assessment")
        OTHER = "other", _("other")

    union = models.ForeignKey(
        "unions.TradeUnion",
        verbose_name=_("union"),
        on_delete=models.PROTECT,
        related_name="hardship_files",
    )
    head = models.ForeignKey(
        "members.Person",
        verbose_name=_("household head"),
        on_delete=models.PROTECT,
        related_name="hardship_files",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.APPLIED
    )
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    standard_level = models.CharField(
        _("filing standard"), max_length=10, choices=StandardLevel.choices
    )
    main_cause = models.CharField(_("main cause"), max_length=12, choices=Cause.choices)
    # Cause values; a list, as a household seldom has more than three.
    other_causes = models.JSONField(_("other causes"), default=list, blank=True)
    situation = models.TextField(_("situation"), blank=True)  # 困难情况说明
    housing = models.CharField(_("housing"), max_length=8, choices=Housing.choices)
    medical_insurance = models.CharField(
        _("medical insurance"), max_length=8, choices=MedicalInsurance.choices
    )
    income_per_head = money_field(_("monthly income per head"), default=0, editable=False)
    bank_name = models.CharField(_("bank"), max_length=50, blank=True)
    bank_card_encrypted = models.BinaryField(null=True, editable=False)
    bank_card_masked = models.CharField(_("bank card"), max_length=25, blank=True, editable=False)
    applied_on = models.DateField(_("application date"))
    reviewed_on = models.DateField(_("review date"), null=True, blank=True)
    notice_from = models.DateField(_("notice from"), null=True, blank=True)
    notice_until = models.DateField(_("notice until"), null=True, blank=True)
    filed_on = models.DateField(_("filing date"), null=True, blank=True)
    last_visit_on = models.DateField(_("last visit"), null=True, blank=True)
    last_review_on = models.DateField(_("last annual review"), null=True, blank=True)
    exit_notice_from = models.DateField(_("exit notice from"), null=True, blank=True)
    exit_notice_until = models.DateField(_("exit notice until"), null=True, blank=True)
    exited_on = models.DateField(_("exit date"), null=True, blank=True)
    follow_up_until = models.DateField(_("follow-up until"), null=True, blank=True)
    closed_on = models.DateField(_("closing date"), null=True, blank=True)
    removal_reason = models.CharField(
        _("reason for removal"), max_length=12, choices=Removal.choices, blank=True
    )
    reopens = models.OneToOneField(
        "self",
        verbose_name=_("reopens file"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reopened_by",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = user_field(_("created by"))

    objects = HardshipFileQuerySet.as_manager()

    class Meta:
        verbose_name = _("hardship file")
        verbose_name_plural = _("hardship files")
        ordering = ["-applied_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["head"],
                condition=Q(
                    status__in=[
                        "applied",
                        "reviewed",
                        "visited",
                        "notice",
                        "filed",
                        "exit_notice",
                        "follow_up",
                    ]
                ),
                name="hardship_one_open_file_per_head",
            ),
            models.CheckConstraint(
                condition=Q(income_per_head__gte=0), name="hardship_income_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["filed", "exit_notice", "follow_up", "closed"])
                | Q(filed_on__isnull=False),
                name="hardship_filed_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["union", "status"], name="hardship_union_status"),
            models.Index(fields=["filed_on"], name="hardship_filed_on"),
            models.Index(fields=["exited_on"], name="hardship_exited_on"),
        ]

    def __str__(self):
        return _("hardship file %(id)s (%(head)s)") % {"id": self.pk, "head": self.head}

    def get_absolute_url(self):
        return reverse("assistance:file", args=[self.pk])

    @property
    def is_open(self):
        return self.status in self.OPEN


class HouseholdMember(models.Model):
    """A person of the household (家庭成员), the head included (relation 本人)."""

    class Relation(models.TextChoices):
        SELF = "self", _("self")
        SPOUSE = "spouse", _("spouse")
        CHILD = "child", _("child")
        PARENT = "parent", _("parent")
        SIBLING = "sibling", _("brother or sister")
        GRANDCHILD = "grandchild", _("grandchild")
        OTHER = "other", _("other relative")

    class Work(models.TextChoices):
        EMPLOYED = "employed", _("employed")
        FLEXIBLE = "flexible", _("flexible or gig work")
        UNEMPLOYED = "unemployed", _("unemployed")
        RETIRED = "retired", _("retired")
        STUDENT = "student", _("student")
        PRESCHOOL = "preschool", _("pre-school child")
        UNABLE = "unable", _("unable to work")

    class Health(models.TextChoices):
        HEALTHY = "healthy", _("healthy")
        CHRONIC = "chronic", _("chronic illness")
        SERIOUS = "serious", _("serious illness")  # 大病
        DISABLED = "disabled", _("disabled")

    class Disability(models.TextChoices):
        NONE = "", _("none")
        GRADE_1 = "1", _("grade 1")
        GRADE_2 = "2", _("grade 2")
        GRADE_3 = "3", _("grade 3")
        GRADE_4 = "4", _("grade 4")

    file = models.ForeignKey(
        HardshipFile, verbose_name=_("file"), on_delete=models.CASCADE, related_name="household"
    )
    relation = models.CharField(_("relation"), max_length=10, choices=Relation.choices)
    name = models.CharField(_("name"), max_length=50)
    id_number_encrypted = models.BinaryField(editable=False)
    id_number_index = models.CharField(max_length=64, editable=False)
    id_number_masked = models.CharField(_("ID-card number"), max_length=18, editable=False)
    birth_date = models.DateField(_("birth date"), editable=False)
    work = models.CharField(_("work"), max_length=10, choices=Work.choices)
    monthly_income = money_field(_("monthly income"), default=0)
    health = models.CharField(_("health"), max_length=8, choices=Health.choices)
    disability = models.CharField(
        _("disability grade"), max_length=1, choices=Disability.choices, blank=True
    )

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        ordering = ["file", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["file", "id_number_index"], name="household_member_once_per_file"
            ),
            models.CheckConstraint(
                condition=Q(monthly_income__gte=0), name="household_income_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["id_number_index"], name="household_member_id")]

    def __str__(self):
        return self.name


class HomeVisitQuerySet(ScopedQuerySet):
    scope_paths = ("file__union__path",)


class HomeVisit(models.Model):
    """A visit to the household's home (入户核查, 走访, 脱困回访)."""

    class Kind(models.TextChoices):
        VERIFICATION = "verification", _("verification before filing")  # 入户核查
        REGULAR = "regular", _("regular visit")  # 定期走访
        FOLLOW_UP = "follow_up", _("follow-up after exit")  # 脱困回访

    file = models.ForeignKey(
        HardshipFile, verbose_name=_("file"), on_delete=models.PROTECT, related_name="visits"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    visited_on = models.DateField(_("visit date"))
    visitors = models.CharField(_("visitors"), max_length=200)
    findings = models.TextField(_("findings"))
    recorded_by = user_field(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = HomeVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("home visit")
        verbose_name_plural = _("home visits")
        ordering = ["-visited_on", "-id"]

    def __str__(self):
        return f"{self.visited_on} {self.get_kind_display()}"


class CampaignQuerySet(ScopedQuerySet):
    scope_paths = ("union__path",)


class Campaign(models.Model):
    """A campaign with a budget (四季送: 冬送温暖, 春送岗位, 夏送清凉, 秋送助学), run by one
    union; an allocation to a lower level is a campaign with `parent` set."""

    class Season(models.TextChoices):
        WINTER = "winter", _("winter warmth")  # 冬送温暖
        SPRING = "spring", _("spring jobs")  # 春送岗位
        SUMMER = "summer", _("summer cool")  # 夏送清凉
        AUTUMN = "autumn", _("autumn study grants")  # 秋送助学 (金秋助学)
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=100)
    season = models.CharField(_("season"), max_length=8, choices=Season.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    union = models.ForeignKey(
        "unions.TradeUnion",
        verbose_name=_("union"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("allocated from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    budget = money_field(_("budget"))
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"))
    # Eligibility (资助条件). Income: households on file qualify, others only under it.
    income_limit = money_field(
        _("monthly income per head under"),
        null=True,
        blank=True,
        help_text=_("Households not on file qualify only below this income; blank: any."),
    )
    one_grant_per_person = models.BooleanField(
        _("one grant per person per year"), default=False
    )  # 金秋助学: one grant per child per year
    requires_school = models.BooleanField(
        _("admission to a school or university required"), default=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = user_field(_("created by"))

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-year", "-starts_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(budget__gte=0), name="campaign_budget_not_negative"),
            # One allocation of a campaign per lower union.
            models.UniqueConstraint(fields=["parent", "union"], name="campaign_one_allocation"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_ends_after_start"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("assistance:campaign", args=[self.pk])


class AssistanceRecordQuerySet(ScopedQuerySet):
    # The giving union sees it, and so does the union that keeps the household's file.
    scope_paths = ("union__path", "file__union__path")

    def active(self):
        return self.filter(cancelled_at__isnull=True)


class AssistanceRecord(models.Model):
    """One payment or gift to a worker (帮扶记录), to a file's household or to anyone."""

    class Kind(models.TextChoices):
        LIVING = "living", _("daily living")  # 生活救助
        MEDICAL = "medical", _("medical")  # 医疗救助
        STUDY = "study", _("study grant")  # 助学
        LEGAL = "legal", _("legal aid")  # 法律援助
        EMPLOYMENT = "employment", _("employment help")  # 就业帮扶
        DISASTER = "disaster", _("accident or disaster")  # 意外/灾害救助
        SEASONAL = "seasonal", _("seasonal visit")  # 节日慰问 (送温暖, 送清凉)

    # What a household may still receive after its exit (follow-up care, not relief).
    FOLLOW_UP_KINDS = (Kind.LEGAL, Kind.EMPLOYMENT, Kind.SEASONAL)

    class FundSource(models.TextChoices):
        UNION = "union", _("union funds")  # 工会经费
        HIGHER = "higher", _("grant from a higher union")  # 上级工会补助
        GOVERNMENT = "government", _("government funds")  # 财政
        DONATION = "donation", _("donations")  # 社会捐赠
        OTHER = "other", _("other")

    union = models.ForeignKey(
        "unions.TradeUnion",
        verbose_name=_("union"),
        on_delete=models.PROTECT,
        related_name="assistance_records",
    )
    file = models.ForeignKey(
        HardshipFile,
        verbose_name=_("hardship file"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assistance",
    )
    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assistance",
    )
    # The recipient as given, so a worker not in the registry can be helped too.
    name = models.CharField(_("recipient"), max_length=50)
    id_number_encrypted = models.BinaryField(editable=False)
    id_number_index = models.CharField(max_length=64, editable=False)
    id_number_masked = models.CharField(_("ID-card number"), max_length=18, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    amount = money_field(_("amount (yuan)"), default=0)
    goods = models.CharField(_("goods"), max_length=200, blank=True)
    given_on = models.DateField(_("date"))
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="records",
    )
    fund_source = models.CharField(_("fund source"), max_length=10, choices=FundSource.choices)
    card_encrypted = models.BinaryField(null=True, editable=False)
    card_masked = models.CharField(_("paid to card"), max_length=25, blank=True, editable=False)
    school = models.CharField(_("school admitted to"), max_length=100, blank=True)
    # What the recipient declared when not on file, for a campaign with an income limit.
    declared_income = money_field(_("declared monthly income per head"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = user_field(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = user_field(_("cancelled by"))
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)

    objects = AssistanceRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("assistance record")
        verbose_name_plural = _("assistance records")
        ordering = ["-given_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="assistance_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0) | ~Q(goods=""), name="assistance_cash_or_goods"
            ),
        ]
        indexes = [
            models.Index(fields=["union", "given_on"], name="assistance_union_date"),
            models.Index(fields=["id_number_index", "given_on"], name="assistance_recipient"),
        ]

    def __str__(self):
        return f"{self.given_on} {self.name} {self.get_kind_display()}"

    @property
    def is_cancelled(self):
        return self.cancelled_at is not None
