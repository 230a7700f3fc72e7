"""What a clerk sees in Excel: sheets named for their content, region names not codes,
the platform's word 工会编码; and a refused import's page says nothing was imported."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook
from rosters import dirty_roster, make_id, row

from gonghui.jobs.models import Job
from gonghui.members import services
from gonghui.members.models import Membership

pytestmark = pytest.mark.django_db


def command(*args):
    try:
        call_command(*args, stdout=io.StringIO(), stderr=io.StringIO())
    except Exception as e:  # a refused import ends the command with an error
        return str(e)
    return None


@pytest.fixture
def member(tree, root_admin):
    app = services.submit_application(
        {"name": "甲会员", "id_number": make_id(seq="311"), "phone": "13900000001",
         "union": tree.grassroots.code, "household_region": "510104",
         "residence_region": "510105"},
        consent=True,
    )  # fmt: skip
    return services.approve_application(root_admin, app).membership


def test_the_member_export_names_its_sheet_regions_and_union_code(tree, member, tmp_path):
    command("export", "members", str(tmp_path / "m.xlsx"), "--user", "xian")
    book = load_workbook(tmp_path / "m.xlsx", read_only=True)
    assert book.sheetnames == ["会员名册"]
    header, first = list(book.active.iter_rows(values_only=True))[:2]
    by = dict(zip(header, first, strict=True))
    assert "工会编码" in by and "工会代码" not in by
    assert by["户籍地"] == "四川省成都市锦江区" and by["常住地"] == "四川省成都市青羊区"


def test_an_export_with_region_names_imports_again_unchanged(tree, member, tmp_path):
    from django.contrib.auth.models import Permission

    tree.xian.user_permissions.add(
        Permission.objects.get(content_type__app_label="accounts", codename="reveal_id_number")
    )
    command("export", "members", str(tmp_path / "whole.xlsx"), "--user", "xian",
            "--reveal-reason", "迁移核对")  # fmt: skip
    assert command("import", "members", str(tmp_path / "whole.xlsx")) is None
    assert Membership.objects.count() == 1
    assert Job.objects.filter(kind="import").get().result["unchanged"] == 1


def test_a_refused_import_says_nothing_was_imported(tree, tmp_path):
    rows = [row(1, "张三", make_id(seq="412")), row(2, "假日期", make_id(seq="523"),
                                                     joined="2023-02-30")]  # fmt: skip
    path = dirty_roster(tmp_path / "r.xlsx", rows)
    report = tmp_path / "report.xlsx"
    assert command("import", "members", str(path), "--union", tree.grassroots.code,
                   "--user", "xian", "--report", str(report)) is not None  # fmt: skip
    job = Job.objects.get(kind="import")
    client = Client()
    client.force_login(tree.xian)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "<progress" not in page  # no full bar over a refusal
    assert "未导入" in page and "2" in page and "1" in page
    assert load_workbook(report, read_only=True).sheetnames == ["错误报告"]
