"""Scope-walk data of the accounts app: the sibling county's user."""

ORDER = 20


def build(tree, root_admin, found):
    found.add([tree.other], [tree.other.last_name])
