"""Importing a roster: read the file, check each row by the services' own rules, stage
the checked rows in a scratch table, check the set (duplicates in the file, clashes with
the registry) in SQL, then write all or nothing.

Memory stays bounded: rows stream from the file into the stage in batches (COPY on
PostgreSQL, batched inserts on SQLite), and the checks and the merge that follow are
set-based SQL, so a million rows never sit in Python at once.

An importer (members/importers.py, ...) supplies the columns of its file, the columns
of its stage, `check_row`, `check_set` and `merge` (and `prefetch` when its rows need
lookups in the database); this module does the rest.
"""

import contextlib
import itertools
import json
import re
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from gonghui.core import audit, crypto, files
from gonghui.core.models import AuditEvent
from gonghui.jobs import merging, registry
from gonghui.jobs.runner import JobRefused, input_path
from gonghui.lib.tabular import TableError, open_table, write_xlsx

BATCH = 2000
REPORT_NAME = "errors.xlsx"
PREVIEW = 20  # bad rows shown on the job page itself; the report has them all
# The scratch tables of job N: import_stage_N, import_errors_N, import_stage_N_<suffix>.
STAGE_TABLE = re.compile(r"^import_(?:stage|errors)_(\d+)(?:_\w+)?$")
SORT_MEMORY = "256MB"  # per sort, in PostgreSQL's backend (Stage.sort_memory)

SQL_TYPES = {
    "postgresql": {"int": "bigint", "text": "text", "bytes": "bytea", "date": "date"},
    "sqlite": {"int": "integer", "text": "text", "bytes": "blob", "date": "text"},
}


@dataclass
class RowErrors:
    """The problems of one row, as `列名: reason` pairs (the header as the file has it)."""

    seq: int
    sheet: str
    line: int
    messages: list = field(default_factory=list)

    def add(self, header, message):
        self.messages.append((header, message))

    def text(self):
        """One 错误说明: the messages joined, each without its own full stop."""
        parts = [(f"{h}：{m}" if h else m).rstrip("。.") for h, m in self.messages]
        return "；".join(parts) + "。"


class Stage:
    """The scratch tables of one import: the checked rows, and the errors found.

    Every row gets `seq` (its order in the file), `sheet`, `line` (the row number Excel
    shows), `raw` (the original cells, for the error report: encrypted with the field key,
    since they hold whole ID and phone numbers) and `ok`.
    """

    def __init__(self, job, columns):
        self.name = f"import_stage_{job.pk}"
        self.errors = f"import_errors_{job.pk}"
        self.columns = ["seq", "sheet", "line", "raw", "ok", *(name for name, _t in columns)]
        self._types = columns
        self.vendor = connection.vendor
        self.extra = []  # further scratch tables an importer made, dropped with the stage

    def create(self):
        types = SQL_TYPES[self.vendor]
        # Unlogged on PostgreSQL: scratch data needs no crash safety, and writes twice as fast.
        unlogged = "UNLOGGED " if self.vendor == "postgresql" else ""
        cols = ", ".join(f"{name} {types[kind]}" for name, kind in self._types)
        with connection.cursor() as c:
            c.execute(
                f"CREATE {unlogged}TABLE {self.name} (seq integer PRIMARY KEY, sheet text, "
                f"line integer, raw {types['bytes']}, ok smallint, {cols})"
            )
            c.execute(
                f"CREATE {unlogged}TABLE {self.errors} (seq integer, header text, message text)"
            )

    def table(self, suffix, columns):
        """Another scratch table of this import, e.g. for a lookup to join in one statement
        rather than loop over; returns its name."""
        name = f"{self.name}_{suffix}"
        types = SQL_TYPES[self.vendor]
        cols = ", ".join(f"{column} {types[kind]}" for column, kind in columns)
        with connection.cursor() as c:
            c.execute(f"DROP TABLE IF EXISTS {name}")
            c.execute(f"CREATE TABLE {name} ({cols})")
        self.extra.append(name)
        return name

    def drop(self):
        with connection.cursor() as c:
            for name in (self.name, self.errors, *self.extra):
                c.execute(f"DROP TABLE IF EXISTS {name}")

    def insert(self, rows, table=None, columns=None):
        if not rows:
            return
        table, columns = table or self.name, columns or self.columns
        with connection.cursor() as c:
            if self.vendor == "postgresql":
                with c.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("%s" for _c in columns)
                rows = [[v.isoformat() if isinstance(v, date) else v for v in r] for r in rows]
                c.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    def add_errors(self, errors):
        """Record row errors found by SQL: (seq, header, message) each; the rows become bad."""
        errors = list(errors)
        self.insert(errors, self.errors, ["seq", "header", "message"])
        with connection.cursor() as c:
            c.execute(
                f"UPDATE {self.name} SET ok = 0 "
                f"WHERE ok = 1 AND seq IN (SELECT seq FROM {self.errors})"
            )
        return len(errors)

    def analyze(self):
        """Fresh statistics for the planner: without them a freshly filled scratch table
        looks empty, and a join over it turns into a nested loop (quadratic)."""
        with connection.cursor() as c:
            c.execute(f"ANALYZE {self.name}")
            c.execute(f"ANALYZE {self.errors}")

    @contextlib.contextmanager
    def sort_memory(self):
        """More memory for sorting on PostgreSQL while the set checks and the merge run:
        they sort every staged row (duplicates, numbering in file order), and with the
        default 4 MB a sort of a million rows goes to disk in many passes."""
        if self.vendor != "postgresql":
            yield
            return
        with connection.cursor() as c:
            c.execute(f"SET work_mem = '{SORT_MEMORY}'")
        try:
            yield
        except BaseException:
            # In a transaction its rollback undoes the SET (and a RESET would fail there).
            if not connection.in_atomic_block:
                self._reset_work_mem()
            raise
        self._reset_work_mem()

    def _reset_work_mem(self):
        with connection.cursor() as c:
            c.execute("RESET work_mem")

    def count(self, where="1 = 1", params=()):
        with connection.cursor() as c:
            c.execute(f"SELECT count(*) FROM {self.name} WHERE {where}", params)
            return c.fetchone()[0]

    def bad_rows(self):
        """(sheet, line, raw, messages) of each bad row in file order, streamed (a server-side
        cursor on PostgreSQL, so a million bad rows never sit in memory)."""
        with connection.chunked_cursor() as c:
            c.execute(
                f"SELECT s.seq, s.sheet, s.line, s.raw, e.header, e.message FROM {self.name} s "
                f"JOIN {self.errors} e ON e.seq = s.seq ORDER BY s.seq, e.header"
            )
            current, current_raw = None, None
            while chunk := c.fetchmany(BATCH):
                for seq, sheet, line, raw, header, message in chunk:
                    if current is None or current.seq != seq:
                        if current is not None:
                            yield current, current_raw
                        current, current_raw = RowErrors(seq, sheet, line), raw
                    current.add(header, message)
            if current is not None:
                yield current, current_raw


def prefetched(rows, importer, context):
    """The rows, each batch of them first given to the importer's `prefetch(rows, context)`
    when it has one: lookups that the rows' checks need from the database (a union by its
    code) are then made once per batch rather than once per row."""
    prefetch = getattr(importer, "prefetch", None)
    if prefetch is None:
        yield from rows
        return
    while batch := list(itertools.islice(rows, BATCH)):
        prefetch(batch, context)
        yield from batch


def pad_number(expression, width=10):
    """SQL for a number zero-padded to `width` digits, on either database."""
    if connection.vendor == "postgresql":
        return f"lpad(CAST({expression} AS text), {width}, '0')"
    return f"printf('%0{width}d', {expression})"


def run_job(job, progress):
    """The work of an "import" job: its subject's registered importer reads its file."""
    return run(job, progress, registry.importer(job.subject))


def cleanup(job):
    """What an import that did not finish leaves: its scratch tables and the upload."""
    Stage(job, []).drop()
    input_path(job).unlink(missing_ok=True)


def run(job, progress, importer):
    """Import the job's file with `importer`; returns the result or raises JobRefused (or
    JobCancelled, from `progress`, with nothing written)."""
    if job.user and not job.user.can_edit:
        raise JobRefused(_("Your role may view but not change records."))
    path = input_path(job)
    try:
        table = open_table(path, importer.columns, name=job.file_name)
    except TableError as e:
        raise JobRefused(e.message) from None
    context = importer.prepare(job, table)
    if table.estimated_rows:
        progress.set_total(table.estimated_rows)
    stage = Stage(job, importer.stage_columns)
    stage.drop()  # a rerun of the same job starts clean
    stage.create()
    merger = merging.start(stage, importer, context, job)
    try:
        batch, errors, seq = [], [], 0
        for row in prefetched(table.rows(), importer, context):
            seq += 1
            problems = RowErrors(seq, row.sheet, row.number)
            for name, message in row.problems.items():
                problems.add(importer.header_of(table, name), message)
            values = importer.check_row(row, context, problems)
            ok = 0 if problems.messages else 1
            raw = crypto.encrypt(json.dumps(row.raw, ensure_ascii=False, default=str))
            batch.append((seq, row.sheet, row.number, raw, ok, *values))
            errors += [(seq, h, m) for h, m in problems.messages]
            if len(batch) >= BATCH:
                stage_batch(stage, batch, errors, merger)
                progress.advance(len(batch))
                batch, errors = [], []
        stage_batch(stage, batch, errors, merger)
        progress.advance(len(batch))
        if seq == 0:
            raise JobRefused(_("The file has no data rows under its header."))
        result = {"rows": seq, "notes": table.notes, "unknown_columns": table.unknown}
        if table.format == "xlsx":
            result["sheets"] = table.sheets
        progress.check()
        if merger:

            def record(counts):
                record_import(job, importer, seq, counts, 0)
                progress.check()  # cancelled meanwhile: the merge gives up, all rolled back

            counts = merger.finish(record)
            merger = None  # finished: nothing left to abandon
            if counts is not None:
                return result | {"invalid": 0} | counts
            progress.check()
        with stage.sort_memory():
            stage.analyze()
            importer.check_set(stage, context, table)
            stage.analyze()
        result["invalid"] = stage.count("ok = 0")
        if result["invalid"]:
            result["report"], result["errors"] = write_report(job, stage, table, progress)
            if not job.options.get("skip_invalid"):
                raise JobRefused(
                    _(
                        "%(bad)d of %(rows)d rows have errors; nothing was imported. "
                        "The error report lists each one."
                    )
                    % {"bad": result["invalid"], "rows": seq},
                    result,
                )
        try:
            with transaction.atomic(), stage.sort_memory():
                counts = importer.merge(stage, context, job)
                result.update(counts)
                record_import(job, importer, seq, counts, result["invalid"])
                progress.check()  # cancelled meanwhile: all of it rolls back
        except IntegrityError:
            # Someone registered one of the file's records between the checks and the merge.
            raise JobRefused(
                _(
                    "While the file was being checked, someone registered one of its records. "
                    "Nothing was imported; import the file again."
                ),
                result,
            ) from None
        return result
    finally:
        if merger:
            merger.abandon()
        stage.drop()


def stage_batch(stage, rows, errors, merger):
    """Stage a batch of checked rows and their errors (each COPY commits by itself, so the
    merging thread's connection sees them)."""
    stage.insert(rows)
    stage.insert(errors, stage.errors, ["seq", "header", "message"])
    if merger and rows:
        merger.staged(rows[0][0], rows[-1][0], clean=not errors)


def record_import(job, importer, rows, counts, bad):
    """The import's one audit event (each record it wrote points to the job)."""
    note = _("%(file)s (job %(id)s): %(rows)d rows; %(summary)s; %(bad)d rows skipped") % {
        "file": job.file_name,
        "id": job.pk,
        "rows": rows,
        "summary": importer.summary(counts),
        "bad": bad,
    }
    audit.record(
        AuditEvent.Action.IMPORT,
        job,
        actor=job.user,
        actor_name=None if job.user else "cli",
        note=note,
    )


def write_report(job, stage, table, progress):
    """The bad rows as the user sent them, with the row number and 错误说明, as xlsx; and
    the first few as lines for the job page."""
    headers = [_("sheet"), _("row"), *table.headers, _("what is wrong")]
    path = files.private_file(job.folder / REPORT_NAME)

    preview = []

    def rows():
        for errors, raw in stage.bad_rows():
            progress.report(errors)
            if len(preview) < PREVIEW:
                where = f"{errors.sheet} " if len(table.sheets) > 1 else ""
                preview.append(
                    _("%(where)srow %(line)d: %(errors)s")
                    % {"where": where, "line": errors.line, "errors": errors.text()}
                )
            cells = json.loads(crypto.decrypt(raw))
            yield [
                errors.sheet,
                errors.line,
                *(cells.get(h, "") for h in table.headers),
                errors.text(),
            ]

    # The cells as sent, kept as text (an ID number must not turn into 5.1E+17 here either).
    write_xlsx(path, headers, rows(), text_columns=range(2, len(headers)),
               sheet_title="错误报告")  # Chinese like the report's headers  # fmt: skip
    return REPORT_NAME, preview


def sweep_stage_tables():
    """Drop the scratch tables of every import that is not running (one that crashed
    leaves them, with its rows); the number dropped."""
    from gonghui.jobs.models import Job

    running = set(
        Job.objects.filter(status=Job.Status.RUNNING, kind=Job.Kind.IMPORT).values_list(
            "pk", flat=True
        )
    )
    dropped = 0
    with connection.cursor() as c:
        for name in connection.introspection.table_names(c):
            match = STAGE_TABLE.match(name)
            if match and int(match.group(1)) not in running:
                c.execute(f"DROP TABLE IF EXISTS {name}")
                dropped += 1
    return dropped


registry.register_kind("import", run_job, queue=registry.LONG, cleanup=cleanup)
