"""An import error about a person registered outside the actor's scope says only that they
are registered elsewhere and what to do, never where (DESIGN rule 2: nothing of another
branch). Inside the scope it may name the union."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from rosters import dirty_roster, make_id, row

from gonghui.members import services
from gonghui.members.models import Membership

pytestmark = pytest.mark.django_db


def run_import(path, *args):
    out = StringIO()
    try:
        call_command("import", "members", str(path), *args, stdout=out, stderr=StringIO())
        return out.getvalue(), None
    except CommandError as e:
        return out.getvalue(), str(e)


def member_of(actor, union, name, seq, phone):
    application = services.submit_application(
        {"name": name, "id_number": make_id(seq=seq), "phone": phone, "union": union.code},
        consent=True,
    )
    return services.approve_application(actor, application).membership


def test_a_member_of_a_sibling_county_is_not_described(tree, root_admin, tmp_path):
    theirs = member_of(root_admin, tree.sibling_grassroots, "乙方会员", "786", "13700000000")
    ours = member_of(root_admin, tree.street, "街道会员", "897", "13700000001")
    path = dirty_roster(
        tmp_path / "roster.xlsx",
        [row(1, "乙方会员", make_id(seq="786")), row(2, "街道会员", make_id(seq="897"))],
    )
    report = tmp_path / "report.xlsx"
    out, error = run_import(
        path, "--union", tree.grassroots.code, "--user", "xian", "--report", str(report)
    )
    assert error is not None
    sheet = load_workbook(report, read_only=True).active
    text = out + "\n".join(str(c) for r in sheet.iter_rows(values_only=True) for c in r)
    lines = [line for line in out.splitlines() if line.startswith("会员信息")]
    sibling_line = next(line for line in lines if line.startswith("会员信息 第5行 公民身份号码"))
    # Outside the scope: registered elsewhere, ask the higher level; nothing about where.
    assert "其他工会" in sibling_line and "上级工会" in sibling_line and "接转" in sibling_line
    for secret in (tree.sibling_grassroots.name, tree.sibling.name, theirs.member_number,
                   tree.sibling_grassroots.code, "乙方机械厂"):  # fmt: skip
        assert secret not in text, secret
    # Inside the scope: the union and the number may be named, to transfer from it.
    own_line = next(line for line in lines if line.startswith("会员信息 第6行 公民身份号码"))
    assert tree.street.name in own_line and ours.member_number in own_line
    assert Membership.objects.filter(person__name="乙方会员").get().union == tree.sibling_grassroots


def test_approving_a_person_who_joined_another_county_meanwhile(tree, api_as, tmp_path):
    """The application waited; meanwhile the sibling county imported the person. The
    approver hears that they are a member elsewhere, not of which union."""
    pending = services.submit_application(
        {"name": "乙方会员", "id_number": make_id(seq="786"), "phone": "13700000000",
         "union": tree.grassroots.code},
        consent=True,
    )  # fmt: skip
    roster = dirty_roster(tmp_path / "sibling.xlsx", [row(1, "乙方会员", make_id(seq="786"))])
    _out, error = run_import(roster, "--union", tree.sibling_grassroots.code)
    assert error is None
    response = api_as(tree.jiceng).post(f"/api/v1/join-applications/{pending.pk}/approve/")
    assert response.status_code == 400
    body = response.content.decode()
    assert "id_number" in body and "其他工会" in body
    assert tree.sibling_grassroots.name not in body and "乙方机械厂" not in body
