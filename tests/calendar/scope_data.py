"""Scope-walk data of the calendar app: the working-day calendar is the same for every
branch; its year pages are walked for a seeded year and one past the table's end."""

ORDER = 60


def build(tree, root_admin, found):
    found.add(year=[2026, 2027])
