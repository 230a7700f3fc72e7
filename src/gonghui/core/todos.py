"""待办: the queues a user works through, for the home page.

Each app registers its own queues (in its AppConfig.ready) with a count of what waits
for this user and the page where it is done, so the home page lists every module's work
without knowing the modules: a later module (12351 cases, stations …) adds a line here
and its queue shows up. A count is one query over the user's scope; `applies` keeps a
queue off the page of a role that cannot act on it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class Todo:
    key: str
    label: str  # "join applications to review": what the count counts
    url_name: str
    count: Callable  # user → int
    query: str = ""  # the queue's filter, e.g. "box=in"
    applies: Callable = lambda user: True
    order: int = 100

    @property
    def url(self):
        return reverse(self.url_name) + (f"?{self.query}" if self.query else "")


@dataclass(frozen=True)
class Waiting:
    todo: Todo
    count: int

    @property
    def label(self):
        return self.todo.label

    @property
    def url(self):
        return self.todo.url


def editors(user):
    """The roles that may act on a queue (read-only staff see the lists, not the to-dos)."""
    return user.can_edit


_todos: dict[str, Todo] = {}


def register(todo: Todo):
    _todos[todo.key] = todo


def for_user(user):
    """[Waiting] of every queue that applies to the user, in their order."""
    todos = sorted(_todos.values(), key=lambda t: (t.order, t.key))
    return [Waiting(t, t.count(user)) for t in todos if t.applies(user)]
