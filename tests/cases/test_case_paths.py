"""A case keeps copies of its unions' paths (for one index range per workbench box): they
follow every save, a hand-over, a union's closing into a successor and a subtree's move."""

import pytest
from caselib import call

from gonghui.cases import boxes, services
from gonghui.cases.models import Case
from gonghui.unions import services as unions

pytestmark = pytest.mark.django_db


def paths(case):
    case = Case.objects.select_related("union", "transfer_to").get(pk=case.pk)
    return case.union_path, case.transfer_path, case


def test_the_paths_follow_hand_overs_and_a_move(tree, root_admin):
    case = services.take(tree.xian, call())
    services.transfer(tree.xian, case, {"to_union": tree.street.code, "note": "请核实"})
    union_path, transfer_path, case = paths(case)
    assert (union_path, transfer_path) == (tree.county.path, tree.street.path)
    # 锦江区 moves from the city to directly under the province: its cases go with it.
    unions.move_union(root_admin, tree.county, tree.province, note="区划调整")
    tree.county.refresh_from_db()
    tree.street.refresh_from_db()
    union_path, transfer_path, case = paths(case)
    assert (union_path, transfer_path) == (tree.county.path, tree.street.path)
    assert case.union_path == case.union.path and case.transfer_path == case.transfer_to.path
    assert boxes.cases_in("all", tree.xian).filter(pk=case.pk).exists()
    services.accept(root_admin, case, {})
    union_path, transfer_path, _ = paths(case)
    assert (union_path, transfer_path) == (tree.street.path, "")


def test_the_paths_follow_a_union_closed_into_a_successor(tree, root_admin):
    case = services.take(tree.jiceng, call())
    unions.merge_union(root_admin, tree.grassroots, tree.street, note="合并")
    union_path, _, case = paths(case)
    assert case.union == tree.street and union_path == tree.street.path
