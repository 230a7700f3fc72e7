"""Exporting the union and employer lists as the user filters them, within their scope,
with the importers' headers, so that an export goes back in unchanged."""

import csv
import datetime
import io

import pytest
from django.test import Client
from openpyxl import load_workbook
from registry_files import counts, last_job, make_uscc, run, workbook

from gonghui.core.models import AuditEvent
from gonghui.jobs import runner
from gonghui.jobs.models import Job
from gonghui.unions import services
from gonghui.unions.importers import EMPLOYER_COLUMNS, UNION_COLUMNS
from gonghui.unions.models import Employer, TradeUnion

pytestmark = pytest.mark.django_db


def read_xlsx(source):
    source = io.BytesIO(source) if isinstance(source, bytes) else source
    return [
        list(r) for r in load_workbook(source, read_only=True).active.iter_rows(values_only=True)
    ]


@pytest.fixture
def employers(tree, root_admin):
    def make(name, uscc, local, covering=None, **extra):
        data = {"name": name, "uscc": uscc, "region": "510104", "industry": "C",
                "local_union": local.code, **extra}  # fmt: skip
        if covering:
            data["covering_union"] = covering.code
        return services.create_employer(root_admin, data)

    return [
        make("成都春熙百货有限公司", make_uscc(1), tree.street, tree.grassroots,
             employee_count=320, address="春熙路 1 号"),
        make("锦江区个体餐馆", "", tree.county, industry="H"),
        make("青羊区乙方精密铸造有限公司", make_uscc(2), tree.sibling, tree.sibling_grassroots),
    ]  # fmt: skip


def test_union_export_within_scope_with_the_import_headers(tree, tmp_path):
    founded = datetime.date(2020, 6, 18)
    services.update_union(
        tree.xian, tree.grassroots, {"uscc": make_uscc(5), "chair": "王芳", "founded_on": founded}
    )
    out, error = run("export", "unions", str(tmp_path / "u.xlsx"), "--user", "xian")
    assert error is None, out
    rows = read_xlsx(tmp_path / "u.xlsx")
    header, body = rows[0], rows[1:]
    assert header == [c.header for c in UNION_COLUMNS] + ["状态"]
    assert sorted(r[0] for r in body) == ["5101040000", "5101040100", "5101040101"]
    grassroots = next(r for r in body if r[0] == "5101040101")
    assert grassroots[1:6] == ["成都春熙百货有限公司工会", "基层工会", "5101040100", "510104003",
                               make_uscc(5)]  # fmt: skip
    assert grassroots[6:8] == ["2020-06-18", "王芳"]
    assert AuditEvent.objects.filter(action="export").count() == 1


def test_an_export_of_unions_goes_back_in_unchanged(tree, tmp_path):
    services.update_union(tree.xian, tree.street, {"chair": "李四", "contact_phone": "02886660000"})
    run("export", "unions", str(tmp_path / "u.xlsx"), "--user", "xian")
    before = counts()[:2]
    out, error = run("import", "unions", str(tmp_path / "u.xlsx"), "--user", "xian")
    assert error is None, out
    result = last_job().result
    assert (result["unions_created"], result["already_registered"]) == (0, 3)
    assert result["unknown_columns"] == ["状态"]
    assert counts()[:2] == before
    # A cell changed in the export is named, and nothing changes.
    rows = read_xlsx(tmp_path / "u.xlsx")
    chair = rows[0].index("工会主席")
    street = next(r for r in rows if r[0] == "5101040100")
    street[chair] = "王五"
    path = workbook(tmp_path / "changed.xlsx", rows[0], rows[1:], sheet="Sheet1")
    out, error = run("import", "unions", str(path), "--user", "xian")
    assert error is not None and "工会主席" in out and "锦江区春熙路街道工会" in out
    assert counts()[:2] == before


def test_an_export_of_employers_goes_back_in_unchanged(tree, employers, tmp_path):
    run("export", "employers", str(tmp_path / "e.xlsx"), "--user", "xian")
    rows = read_xlsx(tmp_path / "e.xlsx")
    assert rows[0] == [c.header for c in EMPLOYER_COLUMNS]
    assert sorted(r[0] for r in rows[1:]) == ["成都春熙百货有限公司", "锦江区个体餐馆"]
    store = next(r for r in rows if r[0] == "成都春熙百货有限公司")
    assert store[1:] == [make_uscc(1), "510104", "C 制造业", 320, "春熙路 1 号", "5101040100",
                         "5101040101"]  # fmt: skip
    before = counts()[:2]
    out, error = run("import", "employers", str(tmp_path / "e.xlsx"), "--user", "xian")
    assert error is None, out
    result = last_job().result
    assert (result["employers_created"], result["already_registered"]) == (0, 2)
    assert counts()[:2] == before


def test_employer_export_filtered_to_csv(tree, employers, tmp_path):
    run("export", "employers", str(tmp_path / "e.csv"), "--filter", "has_union=true")
    raw = (tmp_path / "e.csv").read_bytes()
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert sorted(r[0] for r in rows[1:]) == ["成都春熙百货有限公司", "青羊区乙方精密铸造有限公司"]


def test_export_on_the_web_then_download(tree, employers, django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(tree.ro)  # read-only users may export what they may read
    page = client.get("/employers/?industry=C").content.decode()
    assert "/exports/employers/?industry=C" in page
    assert "/imports/employers/" not in page  # no import for a read-only user
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/exports/employers/?industry=C", {"format": "xlsx"})
    job = Job.objects.get()
    assert response.url == f"/jobs/{job.pk}/"
    runner.run(job)  # what the worker does
    download = client.get(f"/jobs/{job.pk}/file/")
    rows = read_xlsx(b"".join(download.streaming_content))
    assert [r[0] for r in rows[1:]] == ["成都春熙百货有限公司"]


def test_union_export_by_api(tree, api_as, django_capture_on_commit_callbacks):
    api = api_as(tree.xian)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/exports/unions/?kind=grassroots", {}, format="json")
    assert response.status_code == 202, response.content
    job = runner.run(Job.objects.get(pk=response.json()["id"]))
    assert job.status == "succeeded" and job.result["exported"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        outside = api.post("/api/v1/exports/unions/?parent=5101050000", {}, format="json")
    job = runner.run(Job.objects.get(pk=outside.json()["id"]))
    assert job.status == "failed" and "5101050000" in job.message


def test_union_list_offers_export_and_import(tree):
    client = Client()
    client.force_login(tree.xian)
    page = client.get("/unions/?kind=grassroots").content.decode()
    assert "/exports/unions/?kind=grassroots" in page and "/imports/unions/" in page
    assert TradeUnion.objects.count() and Employer.objects.count() == 0
