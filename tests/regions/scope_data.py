"""Scope-walk data of the regions app: divisions are public reference data (every signed-in
user reads the whole table), so the other branch's division may answer 200."""

ORDER = 70


def build(tree, root_admin, found):
    found.add(pk=["510105"])
    found.public["api:region-detail"] = "GB/T 2260 divisions are the same for every branch"
