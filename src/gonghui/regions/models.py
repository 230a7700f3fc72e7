from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionQuerySet(models.QuerySet):
    def current(self):
        return self.filter(valid_to__isnull=True)

    def visible_to(self, user):
        # Reference data: every signed-in user may read the whole table.
        return self if user is not None and user.is_authenticated else self.none()


class Region(models.Model):
    """A GB/T 2260 administrative division (行政区划), current or retired."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("province")
        PREFECTURE = "prefecture", _("prefecture")
        COUNTY = "county", _("county")
        TOWNSHIP = "township", _("township or street")

    code = models.CharField(_("division code"), max_length=12, primary_key=True)
    name = models.CharField(_("name"), max_length=60)
    full_name = models.CharField(_("full name"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent division"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.PositiveSmallIntegerField(_("valid from (year)"), null=True, blank=True)
    # Null while the code is in force; the last year it was valid once retired.
    valid_to = models.PositiveSmallIntegerField(_("valid until (year)"), null=True, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative division")
        verbose_name_plural = _("administrative divisions")
        ordering = ["code"]
        indexes = [models.Index(fields=["parent", "code"], name="region_children")]

    def __str__(self):
        return self.full_name or self.name

    @property
    def is_current(self):
        return self.valid_to is None
