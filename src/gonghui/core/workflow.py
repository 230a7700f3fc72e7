"""Workflows declared once (DESIGN: a `workflow.py` per module).

A workflow is the table of a record's transitions: for each, the one name used by its web
URL, its API action and its tests; the states it may be taken from; the service that takes
it (the one door: scope, permission, transaction, event); the form it asks for on the web
and the input it describes in the API schema; and the words the page shows. The web
buttons and POST routes and the API actions are made from the table, so the two cannot
drift apart, and the contract tests walk it.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Transition:
    name: str  # slug: /<record>/<pk>/<name>/ on the web, POST .../<name>/ in the API
    service: Callable  # service(actor, record, data) -> the record (or the new one)
    sources: tuple  # states it may be taken from
    label: str  # the step's title on the page
    button: str
    done: str  # the message once taken
    form: type  # the web form (a ServiceForm)
    api_input: object  # the serializer describing the API's input, for the schema
    api_doc: str = ""
    creates: bool = False  # answers with a new record (201 in the API)
    dated: str = ""  # the form's date field, offered as today
    # A further condition on the record beyond its state (e.g. not for a death).
    allowed: Callable | None = None
    # Who may take it, beyond the role and scope every service checks: (actor, record) →
    # bool (e.g. only a level above). The service refuses the others itself; this keeps
    # the step off their page.
    who: Callable | None = None
    titles: dict = field(default_factory=dict)  # the label by state, where it differs

    def takes_from(self, record, state_field="status"):
        state = getattr(record, state_field)
        return state in self.sources and (self.allowed is None or self.allowed(record))

    def may(self, actor, record):
        return self.who is None or self.who(actor, record)

    def title(self, record, state_field="status"):
        return self.titles.get(getattr(record, state_field), self.label)


@dataclass(frozen=True)
class Workflow:
    name: str
    transitions: Sequence[Transition]
    # The transition that moves the record on from each state: offered first.
    main: dict = field(default_factory=dict)
    state_field: str = "status"

    def __post_init__(self):
        names = [t.name for t in self.transitions]
        if len(names) != len(set(names)):
            raise ValueError(f"{self.name}: a transition name is used twice")

    def __iter__(self):
        return iter(self.transitions)

    def get(self, name):
        """The transition called `name`, or None."""
        return next((t for t in self.transitions if t.name == name), None)

    def available(self, record, actor=None):
        """The transitions the record's state allows (and, given an actor, that they may
        take), the main one first."""
        found = [
            t
            for t in self.transitions
            if t.takes_from(record, self.state_field) and (actor is None or t.may(actor, record))
        ]
        main = self.main.get(getattr(record, self.state_field))
        found.sort(key=lambda t: t.name != main)  # stable: the rest keep their order
        return found
