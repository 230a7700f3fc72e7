"""Audit events chained by hash and protected by the database (core/audit_guard.py).

Existing events are chained in id order; then a trigger refuses UPDATE and DELETE.
Depends on 0003: another branch adds 0004 (the lead re-points this at merge time).
"""

import hashlib

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def chain_existing(apps, schema_editor):
    from gonghui.core.models import AuditEvent as Live

    AuditEvent = apps.get_model("core", "AuditEvent")
    prev, batch = "", []
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=5000):
        event.prev_hash = prev
        content = Live.canonical(event)  # the live model's method on the historical row
        event.hash = prev = hashlib.sha256(f"{prev}\n{content}".encode()).hexdigest()
        batch.append(event)
        if len(batch) >= 5000:
            AuditEvent.objects.bulk_update(batch, ["prev_hash", "hash"])
            batch = []
    AuditEvent.objects.bulk_update(batch, ["prev_hash", "hash"])


def protect(apps, schema_editor):
    from gonghui.core import audit_guard

    with schema_editor.connection.cursor() as cursor:
        audit_guard.run(cursor, schema_editor.connection.vendor, protect=True)


def unprotect(apps, schema_editor):
    from gonghui.core import audit_guard

    with schema_editor.connection.cursor() as cursor:
        audit_guard.run(cursor, schema_editor.connection.vendor, protect=False)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_calendar'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='hash',
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name='hash'),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='prev_hash',
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name='previous hash'),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='action',
            field=models.CharField(choices=[('create', 'create'), ('update', 'edit'), ('move', 'move'), ('merge', 'merge'), ('dissolve', 'dissolve'), ('absorb', 'take over'), ('login', 'log in'), ('login_failed', 'failed login'), ('logout', 'log out'), ('import', 'import'), ('export', 'export'), ('delete', 'delete'), ('purge', 'purge')], max_length=20, verbose_name='action'),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='actor',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='user'),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='at',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False, verbose_name='time'),
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.RunPython(protect, unprotect),
    ]
