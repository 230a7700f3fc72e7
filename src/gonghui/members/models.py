"""The real-name member registry (会员实名制): persons and their memberships.

ID-card and phone numbers are never stored in clear: each is kept encrypted (to show
to those allowed), as a blind index (to find and keep unique without decrypting) and
masked (to show to everyone else). See core/crypto.py and DESIGN rule 2.
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gonghui.core.scope import ALL, ScopedQuerySet
from gonghui.jobs.models import import_job_field


def region_field(label):
    """An optional GB/T 2260 division (household register, residence) of a worker.

    Without Django's own index: on a key to a text primary key it adds a second (LIKE)
    index that no query of persons uses, and every imported row pays for both. Models
    add a plain index in their Meta where one is needed."""
    return models.ForeignKey(
        "regions.Region",
        verbose_name=label,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )


class PersonQuerySet(ScopedQuerySet):
    def in_subtree(self, path):
        """Persons with a membership (any status) in the subtree: an EXISTS, so no duplicates."""
        if path == ALL:
            return self
        held = Membership.objects.filter(person=OuterRef("pk"), union__path__startswith=path)
        return self.filter(Exists(held))


class Person(models.Model):
    """A worker known by real name and ID-card number (职工)."""

    class Sex(models.TextChoices):
        MALE = "male", _("male")
        FEMALE = "female", _("female")

    class Education(models.TextChoices):
        PRIMARY = "primary", _("primary school or less")
        JUNIOR = "junior", _("junior secondary")
        SENIOR = "senior", _("senior secondary or vocational")
        COLLEGE = "college", _("junior college")
        BACHELOR = "bachelor", _("bachelor")
        POSTGRADUATE = "postgraduate", _("postgraduate")

    class EmploymentForm(models.TextChoices):
        STANDARD = "standard", _("employee")
        GIG = "gig", _("new forms of employment")  # 新就业形态劳动者

    class Platform(models.TextChoices):
        COURIER = "courier", _("courier")  # 快递员
        FOOD_DELIVERY = "food_delivery", _("food-delivery rider")  # 外卖骑手
        RIDE_HAILING = "ride_hailing", _("ride-hailing driver")  # 网约车司机
        TRUCK = "truck", _("truck driver")  # 货车司机
        DOMESTIC = "domestic", _("domestic service")  # 家政服务
        OTHER = "other", _("other platform work")

    name = models.CharField(_("real name"), max_length=50)
    name_pinyin = models.CharField(_("name in pinyin"), max_length=400, editable=False)
    name_initials = models.CharField(_("pinyin initials"), max_length=50, editable=False)
    id_number_encrypted = models.BinaryField(editable=False)
    id_number_index = models.CharField(max_length=64, editable=False)
    id_number_masked = models.CharField(_("ID-card number"), max_length=18, editable=False)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices, editable=False)
    birth_date = models.DateField(_("birth date"), editable=False)
    phone_encrypted = models.BinaryField(null=True, editable=False)
    phone_index = models.CharField(max_length=64, blank=True, editable=False)
    phone_masked = models.CharField(_("mobile phone"), max_length=20, blank=True, editable=False)
    household_region = region_field(_("household-register region"))
    residence_region = region_field(_("residence region"))
    education = models.CharField(
        _("education"), max_length=12, choices=Education.choices, blank=True
    )
    employment_form = models.CharField(
        _("employment form"),
        max_length=10,
        choices=EmploymentForm.choices,
        default=EmploymentForm.STANDARD,
    )
    platform = models.CharField(
        _("platform work"), max_length=15, choices=Platform.choices, blank=True
    )
    employer = models.ForeignKey(
        "unions.Employer",
        verbose_name=_("employer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="workers",
        db_index=False,  # a partial index in Meta: most persons have none
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    import_job = import_job_field()

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        constraints = [
            # One person per ID number. A constraint, not unique=True: that would add a
            # second (LIKE) index on PostgreSQL that a hash is never searched with.
            models.UniqueConstraint(fields=["id_number_index"], name="person_id_number_unique"),
            # One person per phone number: a clash is released by the county's administrator.
            models.UniqueConstraint(
                fields=["phone_index"], condition=~Q(phone_index=""), name="person_phone_unique"
            ),
            models.CheckConstraint(
                condition=Q(employment_form="gig", platform__gt="")
                | Q(employment_form="standard", platform=""),
                name="person_platform_only_for_gig_work",
            ),
        ]
        indexes = [
            # Plain btree only (see region_field): the PROTECT check when a division goes,
            # the SET NULL when an employer goes. Partial: an empty key is never looked up,
            # and a roster without these columns then writes no entry for them.
            models.Index(
                fields=["household_region"],
                condition=Q(household_region__isnull=False),
                name="person_household_region",
            ),
            models.Index(
                fields=["residence_region"],
                condition=Q(residence_region__isnull=False),
                name="person_residence_region",
            ),
            models.Index(
                fields=["employer"], condition=Q(employer__isnull=False), name="person_employer"
            ),
            models.Index(fields=["name"], name="person_name"),
            # Prefix searches (zsf → 张三丰) on PostgreSQL need the pattern operator class.
            models.Index(
                fields=["name_initials"], name="person_initials", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(
                fields=["name_pinyin"], name="person_pinyin", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self):
        return self.name


class MembershipQuerySet(ScopedQuerySet):
    scope_paths = ("union__path",)

    def current(self):
        return self.filter(status__in=Membership.CURRENT)


class Membership(models.Model):
    """A person's membership of one union (会员), from joining to its end."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")  # 在会
        RETAINED = "retained", _("membership retained")  # 保留会籍: retired or unemployed
        TRANSFERRED = "transferred", _("transferred out")  # 已转出: history of a transfer
        LEFT = "left", _("left")
        DECEASED = "deceased", _("deceased")

    CURRENT = (Status.ACTIVE, Status.RETAINED)

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="memberships"
    )
    union = models.ForeignKey(
        "unions.TradeUnion",
        verbose_name=_("union"),
        on_delete=models.PROTECT,
        related_name="memberships",
        db_index=False,  # membership_union_status (union, status) serves it
    )
    # Issued on first joining and kept for life: a transfer's new membership carries it on,
    # the old one keeps it in history, so it is unique among current memberships only.
    member_number = models.CharField(_("member number"), max_length=24)
    joined_on = models.DateField(_("join date"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    card_number = models.CharField(_("member service card number"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    import_job = import_job_field()

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status__in=["active", "retained"]),
                name="membership_one_current_per_person",
            ),
            models.UniqueConstraint(
                fields=["member_number"],
                condition=Q(status__in=["active", "retained"]),
                name="membership_number_unique_current",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["active", "retained"], ended_on__isnull=True)
                | (~Q(status__in=["active", "retained"]) & Q(ended_on__isnull=False)),
                name="membership_end_matches_status",
            ),
        ]
        indexes = [
            models.Index(fields=["union", "status"], name="membership_union_status"),
            models.Index(fields=["member_number"], name="membership_number"),
        ]

    def __str__(self):
        return f"{self.person} · {self.union}"

    def get_absolute_url(self):
        return reverse("members:detail", args=[self.pk])


class JoinApplicationQuerySet(ScopedQuerySet):
    scope_paths = ("union__path",)

    def with_flags(self):
        """What a reviewer must know and the public page never says (JoinApplication.flags):
        another pending application of the same ID number, a current membership, the
        mobile number held by another person. Read live, so they stay true after the
        other application or a release is decided."""
        same_person = models.OuterRef("id_number_index")
        others = JoinApplication.objects.filter(
            id_number_index=same_person, status=JoinApplication.Status.PENDING
        ).exclude(pk=models.OuterRef("pk"))
        member = Membership.objects.current().filter(person__id_number_index=same_person)
        phone = Person.objects.filter(phone_index=models.OuterRef("phone_index")).exclude(
            id_number_index=same_person
        )
        return self.annotate(
            flag_duplicate=models.Exists(others),
            flag_member=models.Exists(member),
            flag_phone_held=models.Exists(phone),
        )


class JoinApplication(models.Model):
    """An application to join (入会申请): from the worker's phone, the API, or entered by
    staff on a worker's behalf. The receiving union reviews it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting review")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    class Channel(models.TextChoices):
        SELF = "self", _("by the worker")  # public page, mini-program, app
        STAFF = "staff", _("entered by union staff")

    class Flag(models.TextChoices):
        DUPLICATE = "duplicate", _("another application of this ID number awaits review")
        MEMBER = "member", _("already a member")
        PHONE_HELD = "phone_held", _("mobile number registered to another person")

    number = models.CharField(_("application number"), max_length=20, unique=True)
    name = models.CharField(_("real name"), max_length=50)
    id_number_encrypted = models.BinaryField(editable=False)
    id_number_index = models.CharField(max_length=64, editable=False)
    id_number_masked = models.CharField(_("ID-card number"), max_length=18, editable=False)
    phone_encrypted = models.BinaryField(editable=False)
    phone_index = models.CharField(max_length=64, editable=False)
    phone_masked = models.CharField(_("mobile phone"), max_length=20, editable=False)
    employment_form = models.CharField(
        _("employment form"), max_length=10, choices=Person.EmploymentForm.choices
    )
    platform = models.CharField(
        _("platform work"), max_length=15, choices=Person.Platform.choices, blank=True
    )
    employer_name = models.CharField(_("employer"), max_length=200, blank=True)
    household_region = region_field(_("household-register region"))
    residence_region = region_field(_("residence region"))
    union = models.ForeignKey(
        "unions.TradeUnion",
        verbose_name=_("union applied to"),
        on_delete=models.PROTECT,
        related_name="join_applications",
    )
    channel = models.CharField(_("channel"), max_length=5, choices=Channel.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # PIPL art. 29: the worker's separate consent, with the version of the text they saw.
    consent_version = models.CharField(_("consent text version"), max_length=20)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    reason = models.CharField(_("reason for rejection"), max_length=200, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    membership = models.OneToOneField(
        "Membership",
        verbose_name=_("membership"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="application",
    )

    objects = JoinApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("join application")
        verbose_name_plural = _("join applications")
        ordering = ["-submitted_at", "-id"]
        # No "one pending per person" constraint: a second application (perhaps by someone
        # who knows the ID number) must never change or block the first; both wait for
        # review, flagged (with_flags).
        indexes = [
            models.Index(fields=["id_number_index", "status"], name="join_person_status"),
            models.Index(fields=["union", "status"], name="join_union_status"),
            models.Index(fields=["household_region"], name="join_household_region"),
            models.Index(fields=["residence_region"], name="join_residence_region"),
        ]

    def __str__(self):
        return f"{self.number} {self.name}"

    @property
    def flags(self):
        """The flags of a pending application read through `with_flags` (else none)."""
        if self.status != self.Status.PENDING:
            return []
        return [flag for flag in self.Flag if getattr(self, f"flag_{flag.value}", False)]


class TransferQuerySet(ScopedQuerySet):
    # Both sides see a transfer: the union the member leaves and the one receiving them.
    scope_paths = ("from_union__path", "to_union__path")

    def open(self):
        return self.filter(status__in=Transfer.OPEN)


class Transfer(models.Model):
    """A membership moving to another union (会员关系接转): the old union releases, the
    new one receives; the join date is kept and the old membership stays in history."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("awaiting release")
        RELEASED = "released", _("awaiting receipt")
        COMPLETED = "completed", _("completed")
        REJECTED = "rejected", _("rejected")

    OPEN = (Status.REQUESTED, Status.RELEASED)

    membership = models.ForeignKey(
        Membership, verbose_name=_("membership"), on_delete=models.PROTECT, related_name="transfers"
    )
    from_union = models.ForeignKey(
        "unions.TradeUnion",
        verbose_name=_("from union"),
        on_delete=models.PROTECT,
        related_name="transfers_out",
    )
    to_union = models.ForeignKey(
        "unions.TradeUnion",
        verbose_name=_("to union"),
        on_delete=models.PROTECT,
        related_name="transfers_in",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    reason = models.CharField(_("reason for rejection"), max_length=200, blank=True)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    new_membership = models.OneToOneField(
        Membership,
        verbose_name=_("new membership"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="arrived_by",
    )

    objects = TransferQuerySet.as_manager()

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership"],
                condition=Q(status__in=["requested", "released"]),
                name="transfer_one_open_per_membership",
            ),
        ]

    def __str__(self):
        return f"{self.membership.person} {self.from_union} → {self.to_union}"


class MemberNumberCounter(models.Model):
    """The last member number issued in a county: numbers are the county's division code
    followed by ten digits (5101040000000123), unique nationwide, never reused."""

    prefix = models.CharField(max_length=6, primary_key=True)
    last = models.BigIntegerField(default=0)

    def __str__(self):
        return f"{self.prefix}: {self.last}"


class RevealQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Administrators read the looks taken by the users of their subtree."""
        from gonghui.accounts.models import User  # accounts imports nothing of members

        if user is None or not user.is_authenticated or not user.can_manage_users:
            return self.none()
        return self.filter(user__in=User.objects.visible_to(user))


class Reveal(models.Model):
    """One look at a whole ID-card or phone number: who, whose, when and why (PIPL)."""

    class Field(models.TextChoices):
        ID_NUMBER = "id_number", _("ID-card number")
        PHONE = "phone", _("mobile phone")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    # One person, or the persons of an export (its job, how many were in it).
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reveals",
    )
    job = models.ForeignKey(
        "jobs.Job",
        verbose_name=_("export"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    count = models.PositiveIntegerField(_("persons"), default=1)
    field = models.CharField(_("number"), max_length=10, choices=Field.choices)
    reason = models.CharField(_("reason"), max_length=200)
    request_id = models.CharField(_("request id"), max_length=32, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = RevealQuerySet.as_manager()

    class Meta:
        verbose_name = _("number revealed")
        verbose_name_plural = _("numbers revealed")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(job__isnull=False),
                name="reveal_of_a_person_or_an_export",
            ),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} → {self.person or self.job}"
