"""Serializer fields the APIs share."""

from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@extend_schema_field(OpenApiTypes.STR)
class ChoiceLabel(serializers.Field):
    """A choice field's label in the reader's language, beside its stored value.

    DRF reading `get_<field>_display` inspects the method's signature and translates the
    label again for every row (a quarter of a 50-row list's time, bench/cases.py); this
    translates each label once per answer and language."""

    def __init__(self, field, **kwargs):
        self.choice_field = field
        self._labels = {}
        super().__init__(source="*", read_only=True, **kwargs)

    def labels(self):
        language = get_language()
        if language not in self._labels:
            model_field = self.parent.Meta.model._meta.get_field(self.choice_field)
            self._labels[language] = {v: str(label) for v, label in model_field.flatchoices}
        return self._labels[language]

    def to_representation(self, obj):
        value = getattr(obj, self.choice_field)
        return self.labels().get(value, value)
