"""Warnings that the user must confirm before a change goes through.

A service collects warnings ({field: message}); unless the caller passed
confirm=True it raises NeedsConfirmation, a ValidationError whose entries carry
code "confirm", so forms show a checkbox and the API answers 400 with that code.
"""

from django.core.exceptions import ValidationError


class NeedsConfirmation(ValidationError):
    pass


class Errors:
    """Collects field errors so a user learns of every bad field in one answer."""

    def __init__(self):
        self.by_field = {}

    def add(self, field, message):
        self.by_field.setdefault(field, []).append(message)

    def raise_if_any(self):
        if self.by_field:
            raise ValidationError(self.by_field)


def confirm_or_raise(warnings, confirmed):
    warnings = {field: message for field, message in warnings.items() if message}
    if warnings and not confirmed:
        raise NeedsConfirmation(
            {field: ValidationError(message, code="confirm") for field, message in warnings.items()}
        )
