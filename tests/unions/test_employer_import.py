"""Importing a 用人单位信息采集表: every cell by the employer service's rules, the unions a
row names within the user's scope, social-credit codes unique in the file and against the
registry (an identical record left as it is), all or nothing; by CLI and API."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
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
from gonghui.unions import services
from gonghui.unions.models import Employer

pytestmark = pytest.mark.django_db
COUNTY, STREET, GRASSROOTS = "5101040000", "5101040100", "5101040101"
HEADER = ["序号", "用人单位名称", "统一社会信用代码", "区划代码", "所属行业", "职工人数",
          "单位地址", "属地工会代码", "建会工会代码"]  # fmt: skip


def line(n, name, uscc="", region="510104003", industry="制造业", count="", address="",
         local="", covering=""):  # fmt: skip
    return [n, name, uscc, region, industry, count, address, local, covering]


def good_rows():
    return [
        line(1, "成都春熙百货有限公司", make_uscc(11), industry="F 批发和零售业", count="320人",
             address="春熙路 1 号", local=STREET, covering=GRASSROOTS),
        line(2, "锦江区甲方电子有限公司", make_uscc(12), industry="C", count=45),
        line(3, "锦江区个体餐馆", "", region="四川省成都市锦江区", industry="住宿和餐饮业"),
        line(4, "锦江区乙方物流有限公司", make_uscc(13).lower(),
             industry="G 交通运输、仓储和邮政业", count="1,200"),
        line(5, "锦江区丙方农业合作社", make_uscc(14), industry="农林牧渔业", count=""),
    ]  # fmt: skip


def test_an_employer_roster_goes_in(tree, tmp_path):
    path = workbook(
        tmp_path / "用人单位.xlsx", HEADER, good_rows(), title="锦江区用人单位信息采集表"
    )
    out, error = run("import", "employers", str(path), "--union", COUNTY, "--user", "xian")
    assert error is None, out
    job = last_job()
    assert (job.result["employers_created"], job.result["already_registered"]) == (5, 0)
    store = Employer.objects.get(uscc=make_uscc(11))
    assert (store.industry, store.employee_count, store.address) == ("F", 320, "春熙路 1 号")
    assert (store.local_union, store.covering_union) == (tree.street, tree.grassroots)
    shop = Employer.objects.get(name="锦江区个体餐馆")
    assert (shop.uscc, shop.region_id, shop.industry) == ("", "510104", "H")
    assert shop.local_union == tree.county and shop.covering_union is None  # the file's default
    assert Employer.objects.get(uscc=make_uscc(13)).employee_count == 1200  # upper-cased code
    assert Employer.objects.get(uscc=make_uscc(14)).industry == "A"
    assert Employer.objects.get(uscc=make_uscc(12)).employee_count == 45
    event = AuditEvent.objects.get(action="import")
    assert event in timeline(store) and event.actor == tree.xian


def test_every_bad_row_is_explained_and_nothing_is_written(tree, tmp_path, root_admin):
    registered = {"region": "510104", "industry": "C", "local_union": COUNTY}
    services.create_employer(
        root_admin, registered | {"name": "锦江区已登记有限公司", "uscc": make_uscc(21)}
    )
    services.create_employer(
        root_admin,
        registered
        | {"name": "青羊区乙方精密铸造有限公司", "uscc": make_uscc(22), "region": "510105",
           "local_union": "5101050000"},
    )  # fmt: skip
    rows = [
        *good_rows(),
        line(6, "重复代码公司", make_uscc(11)),  # the same code as row 1
        line(7, "锦江区已登记有限公司(改名)", make_uscc(21)),  # registered, differs
        line(8, "别人的公司", make_uscc(22)),  # registered in the sibling branch
        line(9, "校验错公司", bad_checksum(make_uscc(23))),
        line(10, "区划错公司", make_uscc(24), region="510199"),
        line(11, "外区工会公司", make_uscc(25), covering="5101050101"),  # out of scope
        line(12, "人数错公司", make_uscc(26), count="很多"),
        line(13, "行业错公司", make_uscc(27), industry="手工业"),
        line(14, "属地错公司", make_uscc(28), local="5101050000"),  # out of scope
    ]  # fmt: skip
    path = workbook(tmp_path / "坏.xlsx", HEADER, rows)
    before = counts()
    out, error = run("import", "employers", str(path), "--union", COUNTY, "--user", "xian")
    assert error is not None
    assert counts() == before
    found = row_errors(out)
    expected = {
        6: ("统一社会信用代码", "2"),  # row 1 sits on line 2, under the header
        7: ("统一社会信用代码", "锦江区已登记有限公司"),
        8: ("统一社会信用代码", make_uscc(22)),
        9: ("统一社会信用代码", bad_checksum(make_uscc(23))),
        10: ("区划代码", "510199"),
        11: ("建会工会代码", "5101050101"),
        12: ("职工人数", ""),
        13: ("所属行业", "手工业"),
        14: ("属地工会代码", "5101050000"),
    }
    assert sorted(found) == sorted(n + 1 for n in expected), out
    for n, (header, words) in expected.items():
        messages = found[n + 1]
        assert [h for h, _m in messages] == [header], (n, messages)
        assert words in messages[0][1], (n, messages)
    assert "乙方" not in found[8 + 1][0][1]  # the sibling branch's employer is not named
    assert last_job().status == "failed"


def test_a_missing_required_column_refuses_the_file(tree, tmp_path):
    header = [h for h in HEADER if h != "所属行业"]
    rows = [[c for i, c in enumerate(r) if i != 4] for r in good_rows()]
    before = counts()
    _out, error = run("import", "employers", str(workbook(tmp_path / "e.xlsx", header, rows)),
                      "--union", COUNTY)  # fmt: skip
    assert error is not None and "行业" in error
    assert counts() == before


def test_without_a_local_federation_each_row_says_so(tree, tmp_path):
    path = workbook(tmp_path / "e.xlsx", HEADER, good_rows())
    before = counts()
    out, error = run("import", "employers", str(path))
    assert error is not None and counts() == before
    found = row_errors(out)
    assert sorted(found) == [3, 4, 5, 6]  # row 1 names its own
    assert all(messages[0][0] == "属地工会代码" for messages in found.values())


def test_an_identical_employer_is_left_as_it_is(tree, tmp_path):
    path = workbook(tmp_path / "e.xlsx", HEADER, good_rows())
    run("import", "employers", str(path), "--union", COUNTY)
    before = counts()[:2]
    out, error = run("import", "employers", str(path), "--union", COUNTY)
    assert error is None, out
    result = last_job().result
    assert (result["employers_created"], result["already_registered"]) == (0, 5)
    assert counts()[:2] == before  # the one without a code too


def test_import_by_api(tree, api_as, monkeypatch, django_capture_on_commit_callbacks):
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    api = api_as(tree.xian)
    header = ["单位名称", "统一社会信用代码", "所在行政区划", "行业", "属地工会代码"]
    content = csv_bytes(header, [["锦江区丁方科技有限公司", make_uscc(31), "510104", "I",
                                  COUNTY]], encoding="utf-8-sig")  # fmt: skip
    upload = SimpleUploadedFile("e.csv", content, content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/imports/employers/", {"file": upload}, format="multipart")
    assert response.status_code == 202, response.content
    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", stdout=io.StringIO()
    )
    job = api.get(f"/api/v1/jobs/{response.json()['id']}/").json()
    assert job["status"] == "succeeded", job["message"]
    assert job["result"]["employers_created"] == 1
    assert Employer.objects.get(uscc=make_uscc(31)).local_union == tree.county
