from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gonghui.core.scope import ScopedQuerySet
from gonghui.jobs.models import import_job_field
from gonghui.lib.pinyin import text_pinyin


class TradeUnionQuerySet(ScopedQuerySet):
    scope_paths = ("path",)

    def active(self):
        return self.filter(status=TradeUnion.Status.ACTIVE)

    def subtree_of(self, union):
        return self.filter(path__startswith=union.path)

    def with_child_counts(self):
        children = TradeUnion.objects.filter(parent=models.OuterRef("pk")).order_by()
        counted = children.values("parent").annotate(n=models.Count("pk")).values("n")[:1]
        return self.annotate(child_count=Coalesce(models.Subquery(counted), 0))


class TradeUnion(models.Model):
    """A union organisation (工会组织) in the federation tree.

    `path` lists the ids from the root down to this union ("/1/23/456/") so a
    subtree is one prefix scan; services keep it true when unions move.
    """

    class Kind(models.TextChoices):
        FEDERATION = "federation", _("federation of trade unions")  # 省总/市总/县总
        INDUSTRY = "industry", _("industry union")  # 产业工会
        TOWNSHIP = "township", _("township or street union")  # 乡镇(街道)工会
        GRASSROOTS = "grassroots", _("grassroots union")  # 基层工会
        JOINT = "joint", _("joint grassroots union")  # 联合基层工会
        SECTOR_FEDERATION = "sector", _("industry federation of unions")  # 行业工会联合会
        AREA_FEDERATION = "area", _("regional federation of unions")  # 区域工会联合会
        GIG_POOL = "gig_pool", _("new-forms-of-employment union")  # 新就业形态劳动者工会(县级)

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        MERGED = "merged", _("merged")
        DISSOLVED = "dissolved", _("dissolved")

    code = models.CharField(
        _("union code"),
        max_length=20,
        unique=True,
        help_text=_("Statistical code (统计编码): letters and digits, unique nationwide."),
    )
    name = models.CharField(_("name"), max_length=100)
    # For the union picker's search by pinyin or initials; kept by save() and the importer.
    name_pinyin = models.CharField(max_length=400, editable=False, default="")
    name_initials = models.CharField(max_length=100, editable=False, default="")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent union"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, editable=False)
    uscc = models.CharField(_("union legal-person social-credit code"), max_length=18, blank=True)
    founded_on = models.DateField(_("founding date"), null=True, blank=True)
    chair = models.CharField(_("chair"), max_length=50, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    successor = models.ForeignKey(
        "self",
        verbose_name=_("successor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    # A federation's choice of the new-forms-of-employment union that takes join
    # applications for its region (set through services.assign_pool_union, never found by
    # looking for one: a union of another branch could then take them).
    pool_union = models.ForeignKey(
        "self",
        verbose_name=_("pool union for join applications"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pool_for",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    import_job = import_job_field()

    objects = TradeUnionQuerySet.as_manager()

    class Meta:
        verbose_name = _("trade union")
        verbose_name_plural = _("trade unions")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"],
                condition=Q(status="active"),
                name="union_active_name_unique_per_parent",
            ),
            models.CheckConstraint(
                condition=Q(status="active", successor__isnull=True, ended_on__isnull=True)
                | (~Q(status="active") & Q(ended_on__isnull=False)),
                name="union_end_matches_status",
            ),
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(successor__isnull=False),
                name="union_merged_has_successor",
            ),
        ]
        indexes = [
            models.Index(fields=["path"], name="union_path", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["parent", "name"], name="union_children"),
            models.Index(fields=["region", "kind"], name="union_region_kind"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        fields = kwargs.get("update_fields")
        if fields is None or "name" in fields:
            self.name_pinyin, self.name_initials = text_pinyin(self.name)
            if fields is not None:
                kwargs["update_fields"] = {*fields, "name_pinyin", "name_initials"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("unions:detail", args=[self.pk])

    @property
    def depth(self):
        return self.path.count("/") - 1

    @property
    def ancestor_ids(self):
        return [int(i) for i in self.path.strip("/").split("/")[:-1]]

    @property
    def is_active(self):
        return self.status == self.Status.ACTIVE


class EmployerQuerySet(ScopedQuerySet):
    scope_paths = ("local_union__path", "covering_union__path")


class Employer(models.Model):
    """A unit that employs workers (用人单位), identified by its social-credit code."""

    class Industry(models.TextChoices):
        # GB/T 4754-2017 sections (门类).
        A = "A", _("A agriculture, forestry, animal husbandry and fishery")
        B = "B", _("B mining")
        C = "C", _("C manufacturing")
        D = "D", _("D electricity, heat, gas and water")
        E = "E", _("E construction")
        F = "F", _("F wholesale and retail")
        G = "G", _("G transport, storage and post")
        H = "H", _("H accommodation and catering")
        I = "I", _("I information technology services")  # noqa: E741
        J = "J", _("J finance")
        K = "K", _("K real estate")
        L = "L", _("L leasing and business services")
        M = "M", _("M research and technical services")
        N = "N", _("N water, environment and public facilities")
        O = "O", _("O resident and other services")  # noqa: E741
        P = "P", _("P education")
        Q = "Q", _("Q health and social work")
        R = "R", _("R culture, sports and entertainment")
        S = "S", _("S public administration and social organisations")
        T = "T", _("T international organisations")

    name = models.CharField(_("employer name"), max_length=200)
    uscc = models.CharField(_("social-credit code"), max_length=18, blank=True)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    industry = models.CharField(_("industry"), max_length=1, choices=Industry.choices)
    employee_count = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    # The union that keeps this record where the employer is (属地工会): a federation
    # or township union. It sees the employer whether or not it has a union of its own.
    local_union = models.ForeignKey(
        TradeUnion,
        verbose_name=_("local federation"),
        on_delete=models.PROTECT,
        related_name="registered_employers",
    )
    # The union its workers belong to: its own, or a joint grassroots union. Empty = no union.
    covering_union = models.ForeignKey(
        TradeUnion,
        verbose_name=_("covering union"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="covered_employers",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    import_job = import_job_field()

    objects = EmployerQuerySet.as_manager()

    class Meta:
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["uscc"], condition=~Q(uscc=""), name="employer_uscc_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["region", "industry"], name="employer_region_industry"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("unions:employer", args=[self.pk])
