"""The union picker: a text box for a union code that suggests unions by name, pinyin,
initials or code as the user types (core/static/core/picker.js, from the unions API).
The value sent is still the code, so forms, filters and the API read it as before, and
the box works as a plain code field where the script does not run."""

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _


class UnionPicker(forms.TextInput):
    def __init__(self, attrs=None):
        defaults = {
            "data-picker": "union",
            "data-api": reverse_lazy("api:union-list"),
            "autocomplete": "off",
            "placeholder": _("name, pinyin or union code"),
            "size": "24",
            "data-none": _("No union of that name or code in your scope."),
        }
        super().__init__(defaults | (attrs or {}))
