"""Password rules beyond Django's own validators (等保 level 3: complexity)."""

import string

from django.contrib.auth.password_validation import MinimumLengthValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CLASSES = (
    ("lower", lambda c: c in string.ascii_lowercase),
    ("upper", lambda c: c in string.ascii_uppercase),
    ("digit", lambda c: c.isdigit()),
    ("other", lambda c: not c.isalnum() or not c.isascii()),
)


class CharacterClassValidator:
    """At least `min_classes` of: lower-case letters, capitals, digits, other characters."""

    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        found = sum(any(test(c) for c in password) for _name, test in CLASSES)
        if found < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return _(
            "The password must contain at least %(count)d of these four kinds of character: "
            "lower-case letters, capital letters, digits, other characters."
        ) % {"count": self.min_classes}


class LengthValidator(MinimumLengthValidator):
    """Django's length rule, worded in our catalogue (Django's own Chinese lacks the
    wording of its current release)."""

    def __init__(self, min_length=10):
        super().__init__(min_length)

    def get_error_message(self):
        return _("The password is too short: it needs at least %(min_length)d characters.") % {
            "min_length": self.min_length
        }

    def get_help_text(self):
        return _("At least %(min_length)d characters.") % {"min_length": self.min_length}
