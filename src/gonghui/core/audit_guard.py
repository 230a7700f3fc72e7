"""The database itself refuses to change or delete audit events (等保 level 3).

A trigger on the audit table refuses every UPDATE and DELETE. The one exception
is `gonghui audit purge`, which removes events older than the retention
(GONGHUI_AUDIT_RETENTION_DAYS, at least 183 days): on PostgreSQL it sets a
transaction-local flag that the trigger accepts only for rows older than 183
days; on SQLite, which has no such flag, it drops and re-creates the trigger in
the same transaction as its DELETE.
"""

from django.db import connection, transaction

TABLE = "core_auditevent"
# Fewer days than this are refused whatever the setting says (six months, and a bit).
MIN_RETENTION_DAYS = 183
PURGE_FLAG = "gonghui.audit_purge"

POSTGRESQL_PROTECT = [
    f"""
    CREATE OR REPLACE FUNCTION {TABLE}_refuse() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'DELETE'
           AND current_setting('{PURGE_FLAG}', true) = 'on'
           AND OLD.at < now() - interval '{MIN_RETENTION_DAYS} days' THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit events cannot be changed or deleted (% on %)', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END
    $$ LANGUAGE plpgsql
    """,
    f"DROP TRIGGER IF EXISTS {TABLE}_refuse ON {TABLE}",
    f"""
    CREATE TRIGGER {TABLE}_refuse BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION {TABLE}_refuse()
    """,
]
POSTGRESQL_UNPROTECT = [
    f"DROP TRIGGER IF EXISTS {TABLE}_refuse ON {TABLE}",
    f"DROP FUNCTION IF EXISTS {TABLE}_refuse()",
]
SQLITE_PROTECT = [
    f"""
    CREATE TRIGGER IF NOT EXISTS {TABLE}_no_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, 'audit events cannot be changed'); END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS {TABLE}_no_delete BEFORE DELETE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, 'audit events cannot be deleted'); END
    """,
]
SQLITE_UNPROTECT = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_update",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_delete",
]


def statements(vendor, protect=True):
    if vendor == "postgresql":
        return POSTGRESQL_PROTECT if protect else POSTGRESQL_UNPROTECT
    if vendor == "sqlite":
        return SQLITE_PROTECT if protect else SQLITE_UNPROTECT
    return []


def run(cursor, vendor, protect=True):
    for sql in statements(vendor, protect):
        cursor.execute(sql)


def purge(before):
    """Delete the events dated before `before` (already checked against the retention);
    returns the number deleted and the hash of the last one, which the chain's new first
    row points to."""
    from gonghui.core.models import AuditEvent

    with transaction.atomic(), connection.cursor() as cursor:
        # Only a prefix of the chain may go: the rows before the first one to keep.
        keep = AuditEvent.objects.filter(at__gte=before).order_by("id").values("id")[:1]
        doomed = AuditEvent.objects.all()
        if keep:
            doomed = doomed.filter(id__lt=keep[0]["id"])
        last = doomed.order_by("-id").values_list("id", "hash").first()
        if last is None:
            return 0, None
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config(%s, 'on', true)", [PURGE_FLAG])
            count = doomed._raw_delete(doomed.db)
        else:
            run(cursor, connection.vendor, protect=False)
            count = doomed._raw_delete(doomed.db)
            run(cursor, connection.vendor, protect=True)
        return count, last


def reprotect(using="default", **kwargs):
    """post_migrate: create the triggers if missing (idempotent)."""
    from django.db import connections

    conn = connections[using]
    if TABLE in conn.introspection.table_names():
        with conn.cursor() as cursor:
            run(cursor, conn.vendor, protect=True)
