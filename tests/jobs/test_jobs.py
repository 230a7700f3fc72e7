"""Imports as background jobs, through the web and the API: upload, the queue worker
runs the job, the page and the API show progress and result, the report downloads."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

from gonghui.jobs.models import Job
from gonghui.members.models import Membership

pytestmark = pytest.mark.django_db
CSV_HEADER = "姓名,身份证号,手机号码,入会时间\r\n"


def make_id(seq):
    from stdnum.cn import ric

    body = "510104" + "19900101" + seq
    return body + ric.calc_check_digit(body + "0")


def wrong_checksum(number):
    return number[:-1] + ("1" if number[-1] == "0" else "0")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what waits for the commit (the job's enqueueing), as a real request would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def roster_csv(*lines, encoding="gb18030"):
    return (CSV_HEADER + "".join(line + "\r\n" for line in lines)).encode(encoding)


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture
def work_the_queue(monkeypatch):
    """What `gonghui db_worker` does beside the web server, once over the queue. (Between
    tasks the worker closes connections that are not in autocommit, which is every
    connection inside a test's transaction: not here.)"""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    return lambda: call_command(
        "db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", stdout=io.StringIO()
    )


@pytest.fixture
def jiceng(tree):
    client = Client()
    client.force_login(tree.jiceng)
    return client


def test_upload_on_the_web_then_follow_the_job(tree, jiceng, committed, work_the_queue):
    content = roster_csv(f"王小明,{make_id('111')},13911110001,2024/5/1",
                         f"李小红,{make_id('222')},13911110002,")  # fmt: skip
    page = jiceng.get("/imports/members/")
    assert "公民身份号码" in page.content.decode() and 'value="5101040101"' in page.content.decode()
    with committed():
        response = jiceng.post("/imports/members/", {"file": upload("花名册.csv", content),
                                                     "union": "5101040101"})  # fmt: skip
    assert response.status_code == 302
    job = Job.objects.get()
    assert response.url == f"/jobs/{job.pk}/"
    assert "排队" in jiceng.get(response.url).content.decode() or job.status == "queued"
    work_the_queue()
    job.refresh_from_db()
    assert job.status == "succeeded", job.message
    assert Membership.objects.filter(union=tree.grassroots).count() == 2
    html = jiceng.get(response.url).content.decode()
    assert "2" in html and "花名册.csv" in html
    assert "花名册.csv" in jiceng.get("/jobs/").content.decode()


def test_bad_rows_give_a_report_to_download(tree, jiceng, committed, work_the_queue):
    bad = wrong_checksum(make_id("222"))
    content = roster_csv(f"王小明,{make_id('111')},13911110001,2024/5/1",
                         f"坏号码,{bad},13911110002,2024-02-30")  # fmt: skip
    with committed():
        jiceng.post(
            "/imports/members/", {"file": upload("名单.csv", content), "union": "5101040101"}
        )
    work_the_queue()
    job = Job.objects.get()
    assert job.status == "failed" and not Membership.objects.exists()
    report = jiceng.get(f"/jobs/{job.pk}/file/")
    assert report.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(report.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-1] == "错误说明" and len(rows) == 2
    assert rows[1][1] == 3  # the row number Excel would show: header is row 1
    assert "身份证号" in rows[1][-1] and "入会时间" in rows[1][-1]
    # Another user does not see the job or its file.
    other = Client()
    other.force_login(tree.xian)
    assert other.get(f"/jobs/{job.pk}/").status_code == 404
    assert other.get(f"/jobs/{job.pk}/file/").status_code == 404


def test_import_by_api(tree, api_as, committed, work_the_queue):
    api = api_as(tree.jiceng)
    content = roster_csv(f"王小明,{make_id('111')},13911110001,2024/5/1", encoding="utf-8-sig")
    with committed():
        response = api.post("/api/v1/imports/members/",
                            {"file": upload("roster.csv", content), "union": "5101040101"},
                            format="multipart")  # fmt: skip
    assert response.status_code == 202, response.content
    job_id = response.json()["id"]
    assert response.json()["status"] == "queued"
    work_the_queue()
    job = api.get(f"/api/v1/jobs/{job_id}/").json()
    assert (job["status"], job["finished"], job["result"]["memberships_created"]) == (
        "succeeded", True, 1)  # fmt: skip
    assert api_as(tree.xian).get(f"/api/v1/jobs/{job_id}/").status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "field"),
    [
        ("photo.png", b"\x89PNG\r\n\x1a\n....", "file"),
        ("roster.pdf", b"%PDF-1.4", "file"),
    ],
)
def test_api_refuses_what_is_not_a_spreadsheet(tree, api_as, name, content, field):
    response = api_as(tree.jiceng).post(
        "/api/v1/imports/members/", {"file": upload(name, content)}, format="multipart"
    )
    assert response.status_code == 400 and response.json()["field"] == field
    assert not Job.objects.exists()


def test_a_renamed_file_fails_as_a_job_with_the_reason(tree, api_as, committed, work_the_queue):
    api = api_as(tree.jiceng)
    with committed():
        job_id = api.post("/api/v1/imports/members/",
                          {"file": upload("roster.xlsx", b"%PDF-1.4 not really"),
                           "union": "5101040101"}, format="multipart").json()["id"]  # fmt: skip
    work_the_queue()
    job = api.get(f"/api/v1/jobs/{job_id}/").json()
    assert job["status"] == "failed" and job["message"]


def test_read_only_users_cannot_import(tree):
    client = Client()
    client.force_login(tree.ro)
    assert client.get("/imports/members/").status_code == 403
