"""Warnings that the user must confirm before a change goes through.

A service collects warnings ({field: message}); unless the caller passed
confirm=True it raises NeedsConfirmation, a ValidationError whose entries carry
code "confirm", so forms show a checkbox and the API answers 400 with that code.
"""

from django.core.exceptions import ValidationError


class NeedsConfirmation(ValidationError):
    pass


def confirm_or_raise(warnings, confirmed):
    warnings = {field: message for field, message in warnings.items() if message}
    if warnings and not confirmed:
        raise NeedsConfirmation(
            {field: ValidationError(message, code="confirm") for field, message in warnings.items()}
        )
