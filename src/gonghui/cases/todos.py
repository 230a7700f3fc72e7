"""The cases' queues on the home page (core/todos.py): the workbench's boxes that wait on
the user, counted as the workbench counts them (cases/boxes.py)."""

from django.utils.translation import gettext_lazy as _

from gonghui.cases.boxes import cases_in
from gonghui.core.todos import Todo, editors, register

QUEUES = [
    ("accept", _("cases handed to your union, to accept"), 40),
    ("overdue", _("cases past their deadline"), 41),
    ("soon", _("cases due within two working days"), 42),
    ("callback", _("concluded cases to call back"), 43),
    ("extension", _("extensions asked, to decide"), 44),
]


def _counter(box):
    return lambda user: cases_in(box, user).count()


def register_todos():
    for box, label, order in QUEUES:
        register(
            Todo(
                f"cases_{box}",
                label,
                "cases:list",
                _counter(box),
                query=f"box={box}",
                applies=editors,
                order=order,
            )
        )
