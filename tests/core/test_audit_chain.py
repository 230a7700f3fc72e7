"""The audit trail is a hash chain the database will not let anyone edit or delete;
`gonghui audit verify` names every edited or missing row."""

import itertools
import os
import subprocess
import sys
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from gonghui.core import audit, audit_guard
from gonghui.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def events(n, **extra):
    return [audit.record(AuditEvent.Action.UPDATE, note=f"event {i}", **extra) for i in range(n)]


def verify():
    out = StringIO()
    try:
        call_command("audit", "verify", stdout=out)
    except CommandError as e:
        return e.returncode, out.getvalue()
    return 0, out.getvalue()


def raw(sql, params=()):
    """Raw SQL with the protecting trigger out of the way, as an intruder with the
    database's password could (the test's transaction puts it back)."""
    with connection.cursor() as cursor:
        audit_guard.run(cursor, connection.vendor, protect=False)
        cursor.execute(sql, params)
        audit_guard.run(cursor, connection.vendor, protect=True)


def test_each_event_carries_the_hash_of_the_one_before():
    first, second, third = events(3)
    assert first.prev_hash == (
        AuditEvent.objects.filter(id__lt=first.id)
        .order_by("-id")
        .values_list("hash", flat=True)
        .first()
        or ""
    )
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    stored = AuditEvent.objects.get(pk=second.pk)
    assert stored.compute_hash(stored.prev_hash) == stored.hash  # the same after a round trip
    assert verify()[0] == 0


def test_a_batch_written_together_is_chained_too():
    before = AuditEvent.objects.count()
    batch = audit.write(
        [AuditEvent(action=AuditEvent.Action.CREATE, note=str(i)) for i in range(5)]
    )
    assert AuditEvent.objects.count() == before + 5
    for prev, event in itertools.pairwise(batch):
        assert event.prev_hash == prev.hash
    assert verify()[0] == 0


def test_the_database_refuses_updates_and_deletes():
    [event] = events(1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(note="forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent")
    assert AuditEvent.objects.get(pk=event.pk).note == "event 0"


def test_verify_names_an_edited_row():
    a, b, c = events(3)
    raw("UPDATE core_auditevent SET note = %s WHERE id = %s", ["nothing happened", b.pk])
    code, out = verify()
    assert code == 1
    assert f"id {b.pk}:" in out
    assert f"id {a.pk}:" not in out and f"id {c.pk}:" not in out


def test_verify_names_a_deleted_row():
    a, b, c = events(3)
    raw("DELETE FROM core_auditevent WHERE id = %s", [b.pk])
    code, out = verify()
    assert code == 1
    assert f"id {c.pk}:" in out and str(a.pk) in out  # the break lies between a and c


def test_verify_names_a_row_rewritten_with_a_fresh_hash():
    # An intruder who recomputes the edited row's hash still breaks the next link.
    _a, b, c = events(3)
    b.note = "forged"
    raw(
        "UPDATE core_auditevent SET note = %s, hash = %s WHERE id = %s",
        ["forged", b.compute_hash(b.prev_hash), b.pk],
    )
    code, out = verify()
    assert code == 1 and f"id {c.pk}:" in out


def test_verify_names_missing_oldest_rows():
    a, b = events(2)
    raw("DELETE FROM core_auditevent WHERE id <= %s", [a.pk])
    code, out = verify()
    assert code == 1 and f"id {b.pk}:" in out


def test_purge_removes_only_events_older_than_the_retention(settings):
    raw("DELETE FROM core_auditevent")
    long_ago = timezone.now() - timedelta(days=400)
    old = audit.write([AuditEvent(at=long_ago, action="update", note=str(i)) for i in range(2)])
    [recent] = events(1)
    settings.GONGHUI_AUDIT_RETENTION_DAYS = 190
    call_command("audit", "purge", stdout=StringIO())
    assert not AuditEvent.objects.filter(pk__in=[o.pk for o in old]).exists()
    assert AuditEvent.objects.filter(pk=recent.pk).exists()
    purge = AuditEvent.objects.get(action=AuditEvent.Action.PURGE)
    assert purge.changes["last_hash"] == ["", old[-1].hash]
    # The chain after a purge is still whole: its new start is the purge's anchor.
    assert verify()[0] == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's trigger checks age")
def test_the_purge_flag_does_not_open_recent_events():
    events(1)
    with pytest.raises(DatabaseError), transaction.atomic():
        audit_guard.purge(timezone.now() + timedelta(days=1))


def test_retention_under_six_months_is_refused():
    code = "import django; django.setup()"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "gonghui.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env | {"GONGHUI_AUDIT_RETENTION_DAYS": "100"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "GONGHUI_AUDIT_RETENTION_DAYS" in result.stderr


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain():
    import threading

    from django.db import connections

    def writer(n):
        try:
            for i in range(10):
                with transaction.atomic():
                    audit.record(AuditEvent.Action.UPDATE, note=f"{n}-{i}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert AuditEvent.objects.filter(note__contains="-").count() == 40
    assert audit.verify() == []
