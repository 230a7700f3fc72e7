"""The user's own finished imports and exports they have not opened yet, on the home page
(core/todos.py): a job that ended while they were elsewhere, with its result or report."""

from django.utils.translation import gettext_lazy as _

from gonghui.core.todos import Todo, register
from gonghui.jobs.models import Job


def unseen(user):
    return Job.objects.filter(user=user, status__in=Job.ENDED, seen_at__isnull=True)


def register_todos():
    register(Todo(
        "jobs_finished", _("finished imports and exports not yet opened"), "jobs",
        lambda user: unseen(user).count(), order=90,
    ))  # fmt: skip
