"""Importing a 工会组织基本信息采集表: parents and children in any order, every cell by the
services' rules, each kind of bad row explained by row and column, all or nothing, the
user's scope, duplicates in the file and against the registry; by CLI, web and API."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook
from registry_files import (
    bad_checksum,
    counts,
    csv_bytes,
    last_job,
    make_uscc,
    row_errors,
    run,
    workbook,
)

from gonghui.core.models import AuditEvent
from gonghui.core.timeline import timeline
from gonghui.jobs.models import Job
from gonghui.unions.importers import UNION_COLUMNS
from gonghui.unions.models import TradeUnion

pytestmark = pytest.mark.django_db
COUNTY = "5101040000"  # 锦江区总工会 in the fixture tree: xian works for it
TITLE = "锦江区工会组织基本信息采集表"
# Headers as a county's own form has them: aliases, a 序号 and a 备注 we do not read.
HEADER = ["序号", "工会名称", "组织代码", "上级工会代码", "工会类型", "区划代码",
          "统一社会信用代码", "建会日期", "主席姓名", "联系电话", "备注"]  # fmt: skip


def line(n, name, code, parent, kind, region="510104003", uscc="", founded="", chair="",
         phone="", note=""):  # fmt: skip
    return [n, name, code, parent, kind, region, uscc, founded, chair, phone, note]


def good_rows():
    """A street union with a tree under it; a child comes before its parent."""
    return [
        line(1, "锦江区督院街春熙第二工会", "5101040201", "5101040200", "基层工会",
             uscc=make_uscc(1), founded="2021/3/5", chair="王 芳", phone="028-86660001"),
        line(2, "锦江区督院街街道工会", "5101040200", COUNTY, "乡镇（街道）工会",
             region="四川省 成都市 锦江区", founded=44000),  # an Excel serial: 2020-06-18
        line(3, "锦江区督院街联合工会", "5101040202", "5101040200", "联合基层工会",
             region="510104", founded="2022年1月8日"),
        line(4, "督院街联合工会第一分会", "5101040203", "5101040202", "grassroots"),
        line(5, "锦江区新就业形态劳动者工会", "5101040300", "", "新就业形态劳动者工会",
             region="510104", note="上级为空：取文件的上级工会"),
    ]  # fmt: skip


def test_a_union_roster_goes_in_level_by_level(tree, tmp_path):
    path = workbook(tmp_path / "工会采集表.xlsx", HEADER, good_rows(), title=TITLE)
    out, error = run("import", "unions", str(path), "--union", COUNTY, "--user", "xian")
    assert error is None, out
    job = last_job()
    assert job.status == "succeeded"
    assert job.result["unions_created"] == 5 and job.result["already_registered"] == 0
    assert "备注" in out  # the column left out is listed
    by_code = {u.code: u for u in TradeUnion.objects.filter(import_job=job)}
    street, second = by_code["5101040200"], by_code["5101040201"]
    joint, branch = by_code["5101040202"], by_code["5101040203"]
    gig = by_code["5101040300"]
    assert street.parent == tree.county and gig.parent == tree.county
    assert second.parent == street and joint.parent == street and branch.parent == joint
    for union in by_code.values():  # the materialised paths, as the service makes them
        expected = f"{union.parent.path}{union.pk}/"
        assert union.path == expected
    assert branch.path.startswith(tree.county.path) and branch.depth == 6
    assert TradeUnion.objects.subtree_of(tree.county).filter(import_job=job).count() == 5
    assert (street.kind, joint.kind, branch.kind, gig.kind) == (
        "township", "joint", "grassroots", "gig_pool")  # fmt: skip
    assert street.region_id == "510104"  # the full name read as its code
    assert street.founded_on == datetime.date(2020, 6, 18)
    assert joint.founded_on == datetime.date(2022, 1, 8)
    assert (second.uscc, second.chair, second.contact_phone) == (make_uscc(1), "王 芳",
                                                                 "028-86660001")  # fmt: skip
    assert second.founded_on == datetime.date(2021, 3, 5) and second.status == "active"
    # One event for the import; each union's history shows it.
    event = AuditEvent.objects.get(action="import")
    assert event.actor == tree.xian and "工会采集表.xlsx" in event.note
    assert event in timeline(branch) and event in timeline(street)


def test_every_bad_row_is_explained_and_nothing_is_written(tree, tmp_path):
    rows = [
        *good_rows(),
        line(6, "青羊区某工会", "5101040210", "5101050000", "基层工会"),  # parent out of scope
        line(7, "重复甲", "5101040211", COUNTY, "基层工会"),
        line(8, "重复乙", "5101040211", COUNTY, "基层工会"),  # the same code as row 7
        line(9, "改了名字的工会", "5101040101", "5101040100", "基层工会"),  # registered, differs
        line(10, "乙方的工会", "5101050101", COUNTY, "基层工会"),  # registered elsewhere
        line(11, "校验错工会", "5101040212", COUNTY, "基层工会", uscc=bad_checksum(make_uscc(2))),
        line(12, "区划错工会", "5101040213", COUNTY, "基层工会", region="519999"),
        line(13, "日期错工会", "5101040214", COUNTY, "基层工会", founded="2023-02-30"),
        line(14, "等上级的工会", "5101040215", "5101040212", "基层工会"),  # its parent is row 11
        line(15, "类别错工会", "5101040216", COUNTY, "工会小组"),
        line(16, "锦江区春熙路街道工会", "5101040217", COUNTY, "乡镇工会"),  # the name is taken
        line(17, "环甲", "5101040218", "5101040219", "基层工会"),
        line(18, "环乙", "5101040219", "5101040218", "基层工会"),  # a loop
    ]  # fmt: skip
    path = workbook(tmp_path / "锦江区工会.xlsx", HEADER, rows, title=TITLE)
    before = counts()
    out, error = run("import", "unions", str(path), "--union", COUNTY, "--user", "xian",
                     "--report", str(tmp_path / "report.xlsx"))  # fmt: skip
    assert error is not None
    assert counts() == before  # all or nothing: not one union, event or change
    found = row_errors(out)
    first = 3  # the title is row 1, the header row 2
    expected = {
        6: ("上级工会代码", "5101050000"),
        8: ("组织代码", str(first + 6)),  # names row 7's line
        9: ("组织代码", "成都春熙百货有限公司工会"),  # names the registered record
        10: ("组织代码", "5101050101"),
        11: ("统一社会信用代码", bad_checksum(make_uscc(2))),
        12: ("区划代码", "519999"),
        13: ("建会日期", "2023-02-30"),
        14: ("上级工会代码", str(first + 10)),  # names row 11's line
        15: ("工会类型", "工会小组"),
        16: ("工会名称", "锦江区春熙路街道工会"),
        17: ("上级工会代码", ""),
        18: ("上级工会代码", ""),
    }
    assert sorted(found) == sorted(n + first - 1 for n in expected), out
    for n, (header, words) in expected.items():
        messages = found[n + first - 1]
        assert [h for h, _m in messages] == [header], (n, messages)
        assert words in messages[0][1], (n, messages)
    # What the sibling branch holds is not named to xian.
    assert "乙方" not in found[10 + first - 1][0][1]
    report = load_workbook(tmp_path / "report.xlsx", read_only=True).active
    cells = [list(r) for r in report.iter_rows(values_only=True)]
    assert len(cells) - 1 == len(expected) and cells[0][-1] == "错误说明"
    assert last_job().status == "failed"


def test_a_missing_required_column_refuses_the_file(tree, tmp_path):
    header = [h for h in HEADER if h != "工会名称"]
    rows = [[c for i, c in enumerate(r) if i != 1] for r in good_rows()]
    path = workbook(tmp_path / "缺列.xlsx", header, rows)
    before = counts()
    _out, error = run("import", "unions", str(path), "--union", COUNTY)
    assert error is not None and "工会名称" in error
    assert counts() == before


def test_the_file_wide_parent_must_be_in_scope(tree, tmp_path):
    path = workbook(tmp_path / "u.xlsx", HEADER, good_rows())
    before = counts()
    _out, error = run("import", "unions", str(path), "--union", "5101050000", "--user", "xian")
    assert error is not None and "5101050000" in error
    assert counts() == before


def test_read_only_users_are_refused_on_the_command_line(tree, tmp_path):
    path = workbook(tmp_path / "u.xlsx", HEADER, good_rows())
    before = counts()
    _out, error = run("import", "unions", str(path), "--union", COUNTY, "--user", "ro")
    assert error is not None and counts() == before


def test_skip_invalid_leaves_out_bad_rows_and_their_children(tree, tmp_path):
    rows = [
        line(1, "坏上级", "5101040220", COUNTY, "乡镇工会", founded="2099-01-01"),
        line(2, "坏上级的下级", "5101040221", "5101040220", "基层工会"),
        line(3, "下级的下级", "5101040222", "5101040221", "基层工会"),
        *good_rows(),
    ]  # fmt: skip
    path = workbook(tmp_path / "u.xlsx", HEADER, rows)
    out, error = run("import", "unions", str(path), "--union", COUNTY, "--skip-invalid")
    assert error is None, out
    result = last_job().result
    assert (result["unions_created"], result["invalid"]) == (5, 3)
    assert not TradeUnion.objects.filter(code__in=["5101040220", "5101040221", "5101040222"])


def test_an_identical_union_is_left_as_it_is(tree, tmp_path):
    path = workbook(tmp_path / "u.xlsx", HEADER, good_rows())
    run("import", "unions", str(path), "--union", COUNTY)
    before = counts()[:2]
    out, error = run("import", "unions", str(path), "--union", COUNTY)
    assert error is None, out
    assert last_job().result == last_job().result | {"unions_created": 0, "already_registered": 5}
    assert counts()[:2] == before


def test_a_platform_administrator_may_import_a_top_level_tree(root_admin, db, tmp_path):
    rows = [
        ["5000000000", "重庆市总工会", "总工会", "", "500000"],
        ["5001010000", "万州区总工会", "总工会", "5000000000", "500101"],
    ]
    header = ["工会代码", "工会名称", "工会类别", "上级工会代码", "所在行政区划"]
    path = workbook(tmp_path / "cq.xlsx", header, rows)
    out, error = run("import", "unions", str(path))  # the CLI: the whole platform
    assert error is None, out
    top = TradeUnion.objects.get(code="5000000000")
    assert top.parent is None and top.path == f"/{top.pk}/"
    child = TradeUnion.objects.get(code="5001010000")
    assert (child.parent, child.path) == (top, f"/{top.pk}/{child.pk}/")
    # The same name once more at the top level: refused, as the service refuses it.
    path = workbook(tmp_path / "again.xlsx", header, [["5000000001", "重庆市总工会", "总工会", "",
                                                      "500000"]])  # fmt: skip
    out, error = run("import", "unions", str(path))
    assert error is not None and row_errors(out)[2][0][0] == "工会名称"


# Web and API -------------------------------------------------------------------------------


@pytest.fixture
def work_the_queue(monkeypatch):
    """What `gonghui db_worker` does beside the web server, once over the queue."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    return lambda: call_command(
        "db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", stdout=io.StringIO()
    )


def read_xlsx(content):
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


CSV_HEADER = ["工会代码", "工会名称", "工会类别", "所在行政区划", "成立日期"]


def test_import_on_the_web(tree, work_the_queue, django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(tree.xian)
    listing = client.get("/unions/").content.decode()
    assert "/imports/unions/" in listing and "/exports/unions/" in listing
    page = client.get("/imports/unions/").content.decode()
    assert "上级工会代码" in page and f'value="{COUNTY}"' in page
    template = client.get("/imports/unions/template/")
    headers = read_xlsx(b"".join(template.streaming_content))[1]  # under the title row
    assert headers == [f"*{c.header}" if c.required else c.header for c in UNION_COLUMNS]
    content = csv_bytes(CSV_HEADER, [["5101040230", "锦江区甲工会", "基层工会", "510104",
                                      "2024-05-01"]])  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/imports/unions/", {"file": upload("工会.csv", content),
                                                    "union": COUNTY})  # fmt: skip
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == f"/jobs/{job.pk}/"
    work_the_queue()
    job.refresh_from_db()
    assert job.status == "succeeded", job.message
    assert TradeUnion.objects.get(code="5101040230").parent == tree.county
    read_only = Client()
    read_only.force_login(tree.ro)
    assert read_only.get("/imports/unions/").status_code == 403
    assert "/imports/unions/" not in read_only.get("/unions/").content.decode()


def test_import_by_api(tree, api_as, work_the_queue, django_capture_on_commit_callbacks):
    api = api_as(tree.xian)
    rows = [["5101040240", "锦江区乙工会", "基层工会", "510104", ""],
            ["5101050240", "青羊区乙工会", "基层工会", "510104", ""]]  # fmt: skip
    content = csv_bytes(["上级工会代码", *CSV_HEADER], [[COUNTY, *rows[0]],
                                                  ["5101050000", *rows[1]]])  # fmt: skip
    before = counts()
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/imports/unions/", {"file": upload("u.csv", content)},
                            format="multipart")  # fmt: skip
    assert response.status_code == 202, response.content
    work_the_queue()
    job = api.get(f"/api/v1/jobs/{response.json()['id']}/").json()
    assert job["status"] == "failed" and job["result"]["invalid"] == 1
    assert counts() == before
    report = api.get(f"/api/v1/jobs/{job['id']}/file/")
    sheet = load_workbook(io.BytesIO(b"".join(report.streaming_content))).active
    [_header, bad] = list(sheet.iter_rows(values_only=True))
    assert bad[1] == 3 and "上级工会代码" in bad[-1] and "5101050000" in bad[-1]
