"""The scope walk's data (tests/test_scope_walk.py), registered by each app.

Each `tests/<app>/scope_data.py` defines `ORDER` (apps that build on another's records
come after it) and `build(tree, root_admin, found)`, which makes records of "the other
branch" (the fixture tree's sibling county) through the app's services and adds them to
`found`: the records (their keys fill `pk`), the texts of theirs that must show nowhere,
and the values to try for the URL kwargs the app's routes take. A route whose kwarg no
app fills fails the walk, so a new endpoint cannot escape it. Tests are not shipped code,
so the registry lives here and not in the apps.
"""

import importlib.util
import pathlib
from dataclasses import dataclass, field

HERE = pathlib.Path(__file__).parent


@dataclass
class Found:
    records: list = field(default_factory=list)
    markers: list = field(default_factory=list)
    kwargs: dict = field(default_factory=dict)  # URL kwarg -> values to try
    # Routes that may answer 200 for a key of no branch record, each with its reason.
    public: dict = field(default_factory=dict)

    def add(self, records=(), markers=(), **kwargs):
        self.records += list(records)
        self.markers += [str(m) for m in markers]
        for name, values in kwargs.items():
            self.kwargs.setdefault(name, []).extend(values)


def modules():
    loaded = []
    for path in sorted(HERE.glob("*/scope_data.py")):
        spec = importlib.util.spec_from_file_location(f"scope_data_{path.parent.name}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        loaded.append(module)
    return sorted(loaded, key=lambda m: m.ORDER)


def build(tree, root_admin):
    found = Found()
    for module in modules():
        module.build(tree, root_admin, found)
    found.kwargs.setdefault("pk", []).extend(o.pk for o in found.records)
    found.kwargs = {k: sorted(set(v), key=str) for k, v in found.kwargs.items()}
    return found
