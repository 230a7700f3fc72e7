"""A record's history as people read it: newest first, field names in their language."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from gonghui.core.models import AuditEvent

YES_NO = {"True": _("yes"), "False": _("no")}


def field_labels(model):
    """Field name → verbose name, to show changed fields in the reader's language."""
    return {f.name: f.verbose_name for f in model._meta.get_fields() if hasattr(f, "verbose_name")}


def choice_labels(model):
    """Field name → {stored value: label} for the model's choice fields."""
    return {
        f.name: {str(value): label for value, label in f.flatchoices}
        for f in model._meta.get_fields()
        if getattr(f, "choices", None)
    }


def timeline(obj, limit=200, labels=None):
    """The record's events, each with `change_rows`: (field label, before, after) as shown.

    `labels` names changes that are not fields of the model (a year's list of days)."""
    labels = field_labels(type(obj)) | (labels or {})
    choices = choice_labels(type(obj))
    flags = {f.name for f in type(obj)._meta.get_fields() if isinstance(f, models.BooleanField)}
    events = list(AuditEvent.objects.for_object(obj)[:limit])
    if getattr(obj, "import_job_id", None):
        # Imported records: the import's own event says where they came from.
        job_model = type(obj)._meta.get_field("import_job").related_model
        events += AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(job_model), object_id=obj.import_job_id
        )
        events.sort(key=lambda e: e.at, reverse=True)

    def shown(name, value):
        if name in flags and value in YES_NO:  # a yes/no field, stored as True/False
            return str(YES_NO[value])
        return str(choices.get(name, {}).get(value, value))

    for event in events:
        event.change_rows = [
            (str(labels.get(name, name)), shown(name, before), shown(name, after))
            for name, (before, after) in event.changes.items()
        ]
    return events


class AuditEventSerializer(serializers.ModelSerializer):
    action_display = serializers.CharField(source="get_action_display")
    actor = serializers.CharField(source="actor_name")

    class Meta:
        model = AuditEvent
        fields = ["at", "actor", "action", "action_display", "changes", "note", "request_id", "via"]
