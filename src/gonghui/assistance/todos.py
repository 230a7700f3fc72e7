"""The hardship work's queue on the home page (core/todos.py): the reminders that are due
within the worklist's window or overdue, the same list as /assistance/reminders/."""

from django.utils.translation import gettext_lazy as _

from gonghui.assistance import reminders
from gonghui.core.todos import Todo, editors, register


def register_todos():
    register(Todo(
        "hardship_reminders", _("hardship files needing a step"), "assistance:reminders",
        lambda user: len(reminders.for_user(user)), applies=editors,
        order=30,
    ))  # fmt: skip
