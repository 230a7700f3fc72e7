from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class CalendarYear(models.Model):
    """A year whose official arrangement of holidays and worked weekends (放假安排) is known.

    Dates in years without a row are counted Monday to Friday, and calendar/workdays.py says
    so. Every change touches `updated_at`, which tells each server process to reload.
    """

    class Source(models.TextChoices):
        LIBRARY = "library", _("chinesecalendar library")
        ADMINISTRATOR = "administrator", _("entered by an administrator")

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    note = models.CharField(_("source document"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self):
        return str(self.year)

    def get_absolute_url(self):
        return reverse("calendar_year", args=[self.year])


class CalendarDay(models.Model):
    """A day the arrangement names: a holiday (weekend days inside one too) or a weekend
    day worked in lieu (调休上班). Any day not listed is a working day Monday to Friday."""

    year = models.ForeignKey(
        CalendarYear, verbose_name=_("year"), on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.name}"
