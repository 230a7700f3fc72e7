"""Merging while reading, on PostgreSQL: the staged rows are written into the registry
chunk by chunk while the file is still being read and checked, on a second connection in
one transaction, so that PostgreSQL's work (index entries, foreign-key checks) runs on
one core while Python checks rows on the other. Without it the two take turns.

It is a bet that the file is clean and new to the registry, as a million-row roster from
a migration is. It gives up, rolling everything back, as soon as a row is bad, a row's
person is already registered, or the database refuses a row (the same ID or phone number
twice): then jobs/importing.py checks the whole stage and merges after reading, as it
does on SQLite, and the user sees exactly the same result, only later.

It starts once `GONGHUI_IMPORT_MERGE_WHILE_READING_ROWS` clean rows are staged (a small
file gains nothing from it), for an importer with `merges_while_reading`: its
`merge(stage, context, job, where)` narrows the merge to one chunk's rows by `where`, and
its `all_new(stage, where)` says that none of them is registered yet.
"""

import contextvars
import logging
import queue
import threading
from collections import Counter

from django.conf import settings
from django.db import connection, transaction
from django.utils import translation

log = logging.getLogger(__name__)

CHUNK = 20_000  # rows merged at a time: long enough to amortise, short enough to end soon


def start(stage, importer, context, job):
    """A MergeWhileReading for this import, or None where it does not apply."""
    if connection.vendor != "postgresql" or not getattr(importer, "merges_while_reading", False):
        return None
    return MergeWhileReading(stage, importer, context, job)


class MergeWhileReading:
    """`staged` tells it rows are in the stage; once enough clean rows are there (the
    file's size is often not known beforehand) a thread with its own connection starts
    merging them; `finish` waits for the last of them and commits."""

    def __init__(self, stage, importer, context, job):
        self.stage, self.importer, self.context, self.job = stage, importer, context, job
        self.todo = queue.SimpleQueue()
        self.counts, self.gave_up, self.thread = Counter(), None, None
        self.first, self.last, self.clean = 1, 0, True  # rows waiting: first..last
        self.chunks = 0

    def staged(self, first, last, clean):
        """Rows `first`..`last` are committed to the stage; `clean`: none of them is bad."""
        was_clean, self.last, self.clean = self.clean, last, self.clean and clean
        if not self.clean:
            if self.thread and was_clean:
                self.todo.put(("give up", "a bad row"))
            return
        if self.thread is None and last >= settings.GONGHUI_IMPORT_MERGE_WHILE_READING_ROWS:
            self._start()
        if self.thread and self.last - self.first + 1 >= CHUNK:
            self.todo.put(("merge", (self.first, self.last)))
            self.first = self.last + 1

    def finish(self, record):
        """Merge what is left, call `record(counts)` (the import's audit event) in the same
        transaction and commit; the counts, or None when it did not merge (the file was
        small) or gave up (nothing of it is written)."""
        if self.thread is None:
            return None
        if self.clean and self.first <= self.last:
            self.todo.put(("merge", (self.first, self.last)))
        self.todo.put(("commit", record))
        self.thread.join()
        return None if self.gave_up else dict(self.counts)

    def abandon(self):
        """Roll back and end (the import failed for another reason)."""
        if self.thread:
            self.todo.put(("give up", "abandoned"))
            self.thread.join()

    def _start(self):
        # The thread writes audit events: it needs this job's request context and language.
        run = contextvars.copy_context().run
        language = translation.get_language()
        self.thread = threading.Thread(target=run, args=(self._work, language), daemon=True)
        self.thread.start()

    def _work(self, language):
        if language:  # None when translations are switched off
            translation.activate(language)
        try:
            with transaction.atomic():
                with connection.cursor() as c:
                    # Foreign keys checked as each chunk goes in, not all at the commit.
                    c.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    # A row held by an unfinished transaction elsewhere (the same person
                    # being registered now) is a reason to give up, not to wait.
                    c.execute("SET LOCAL lock_timeout = '2s'")
                with self.stage.sort_memory():
                    self._merge_chunks()
        except _GiveUp as e:
            self.gave_up = str(e)
        except Exception as e:  # a refusal by the database: the set checks will explain it
            self.gave_up = f"{type(e).__name__}: {e}"
        finally:
            connection.close()
        if self.gave_up:
            log.info("import %s merges after reading: %s", self.job.pk, self.gave_up)
        else:
            log.info("import %s merged while reading, in %d chunks", self.job.pk, self.chunks)

    def _merge_chunks(self):
        while True:
            what, arg = self.todo.get()
            if what == "give up":
                raise _GiveUp(arg)
            if what == "commit":
                arg(dict(self.counts))
                return
            first, last = arg
            where = f"seq BETWEEN {int(first)} AND {int(last)}"
            if not self.importer.all_new(self.stage, where):
                raise _GiveUp("a record of the file is already registered")
            self.counts.update(self.importer.merge(self.stage, self.context, self.job, where))
            self.chunks += 1


class _GiveUp(Exception):
    pass
