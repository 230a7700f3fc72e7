"""Scope-walk data of the unions app: the sibling county's unions and an employer."""

from gonghui.unions import services

ORDER = 10


def build(tree, root_admin, found):
    theirs = services.create_employer(
        root_admin,
        {"name": "青羊区乙方精密铸造有限公司", "region": "510105", "industry": "C",
         "local_union": tree.sibling.code, "covering_union": tree.sibling_grassroots.code},
    )  # fmt: skip
    second = services.create_union(
        root_admin,
        {"code": "5101050102", "name": "青羊区乙方第二工会", "kind": "grassroots",
         "region": "510105", "parent": tree.sibling.code},
    )  # fmt: skip
    found.second_union = second
    found.add(
        [tree.sibling, tree.sibling_grassroots, theirs, second],
        [tree.sibling.name, tree.sibling_grassroots.name, theirs.name, second.name,
         tree.sibling.code, tree.sibling_grassroots.code],
    )  # fmt: skip
