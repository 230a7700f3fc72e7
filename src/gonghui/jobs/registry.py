"""What jobs can do, by registration: the apps that own records register their importer and
exporter of each kind of record (members/apps.py, unions/apps.py), and the modules that do
the work register the function that runs each kind of job (jobs/importing.py for "import",
jobs/exporting.py for "export", loaded by jobs/apps.py). The runner asks here, so it imports
neither them nor the apps above it (DESIGN.md: a lower layer takes a higher one's behaviour
by registration, never by import).
"""

from dataclasses import dataclass

# Queues of the background worker (settings.TASKS; `gonghui serve` runs a worker for each):
# a long import must not hold up an export that takes seconds.
LONG, DEFAULT = "long", "default"
QUEUES = (DEFAULT, LONG)


@dataclass(frozen=True)
class Kind:
    """One kind of job: `run(job, progress)` does its work (a result dict, or JobRefused);
    `cleanup(job)` removes what a job that did not finish left behind (scratch tables, the
    upload, a partial file); `queue` is the worker queue it waits in."""

    run: object
    queue: str = DEFAULT
    cleanup: object = None


_kinds = {}
_importers = {}
_exporters = {}


def register_kind(name, run, *, queue=DEFAULT, cleanup=None):
    if queue not in QUEUES:
        raise ValueError(f"unknown queue {queue!r}")
    _kinds[name] = Kind(run=run, queue=queue, cleanup=cleanup)


def kind(name):
    """The registered Kind of jobs called `name`; LookupError if none is."""
    try:
        return _kinds[name]
    except KeyError:
        raise LookupError(f"no job kind {name!r} is registered") from None


def register_importer(subject, importer_class):
    _importers[subject] = importer_class


def register_exporter(subject, exporter_class):
    _exporters[subject] = exporter_class


def importers():
    """The subjects that can be imported (members, unions, employers), sorted."""
    return sorted(_importers)


def exporters():
    return sorted(_exporters)


def has_importer(subject):
    return subject in _importers


def has_exporter(subject):
    return subject in _exporters


def importer(subject):
    """A fresh importer of `subject`; KeyError if none is registered."""
    return _importers[subject]()


def exporter(subject):
    return _exporters[subject]()
