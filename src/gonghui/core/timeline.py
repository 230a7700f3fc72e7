"""A record's history as people read it: newest first, field names in their language."""

from rest_framework import serializers

from gonghui.core.audit import field_labels
from gonghui.core.models import AuditEvent


def timeline(obj, limit=200):
    labels = field_labels(type(obj))
    events = list(AuditEvent.objects.for_object(obj)[:limit])
    for event in events:
        event.change_rows = [
            (str(labels.get(name, name)), before, after)
            for name, (before, after) in event.changes.items()
        ]
    return events


class AuditEventSerializer(serializers.ModelSerializer):
    action_display = serializers.CharField(source="get_action_display")
    actor = serializers.CharField(source="actor_name")

    class Meta:
        model = AuditEvent
        fields = ["at", "actor", "action", "action_display", "changes", "note", "request_id", "via"]
