"""Model fields the domain apps declare alike."""

from django.conf import settings
from django.db import models


def money_field(label, **kwargs):
    """Yuan with fen (DESIGN rule 6: Decimal, never float)."""
    return models.DecimalField(label, max_digits=14, decimal_places=2, **kwargs)


def user_field(label):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=label,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
