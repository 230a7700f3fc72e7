"""A field the API can answer with null is declared nullable in the schema (issue 13,
finding 12): every serializer field that reads through a nullable relation or column
(`source="successor.code"`) says allow_null. The serializers are found by walking the
subclasses, so a serializer added later is checked without a line here."""

from django.core.exceptions import FieldDoesNotExist
from django.urls import get_resolver
from rest_framework import serializers


def model_serializers(cls=serializers.ModelSerializer):
    for sub in cls.__subclasses__():
        if sub.__module__.startswith("gonghui."):
            yield sub
        yield from model_serializers(sub)


def reads_through_null(model, source):
    """Whether following `source` (a.b.c) from `model` can meet a null."""
    for part in source.split("."):
        if model is None:
            return False
        try:
            field = model._meta.get_field(part.removesuffix("_id"))
        except FieldDoesNotExist:
            return False  # a property or method: its type is declared where it is written
        if field.auto_created and not field.concrete:
            return field.one_to_one  # a reverse one-to-one may be missing; lists are never null
        if getattr(field, "null", False):
            return True
        model = field.related_model
    return False


def test_every_field_that_can_be_null_says_so():
    assert get_resolver().url_patterns  # imports every api module, so its serializers exist
    found, wrong = 0, []
    for cls in set(model_serializers()):
        found += 1
        for name, field in cls().fields.items():
            if field.write_only or field.allow_null or field.source in ("*", None):
                continue
            if isinstance(field, serializers.ListSerializer):
                continue
            if reads_through_null(cls.Meta.model, field.source):
                wrong.append(f"{cls.__module__}.{cls.__name__}.{name} (source={field.source})")
    assert found > 10
    assert not wrong, "nullable but declared non-null:\n" + "\n".join(sorted(wrong))
