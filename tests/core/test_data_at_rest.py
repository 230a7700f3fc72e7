"""Nothing personal in clear text at rest, nothing kept forever (issue 13, finding 6): the
import stage holds no clear numbers and goes with its job (or with the purge, for a job
that died), job files are 0600 in 0700 folders, uploads go when the job ends, reports and
exports expire, and every download of one is an audit event."""

import io
import stat
from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from gonghui.core.models import AuditEvent
from gonghui.jobs import importing
from gonghui.jobs.models import Job

pytestmark = pytest.mark.django_db
UNION = "5101040101"


def make_id(seq):
    from stdnum.cn import ric

    body = "510104" + "19900101" + seq
    return body + ric.calc_check_digit(body + "0")


def roster(*lines):
    return ("姓名,身份证号,手机号码,入会时间\r\n" + "".join(f"{x}\r\n" for x in lines)).encode()


GOOD_ID, PHONE = make_id("111"), "13911110001"
# One good row and one bad (an impossible date): the stage is read back for the report.
CONTENT = roster(
    f"王小明,{GOOD_ID},{PHONE},2024/5/1", f"李小红,{make_id('222')},13911110002,2024-02-30"
)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def work_the_queue(monkeypatch):
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    return lambda: call_command(
        "db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", stdout=io.StringIO()
    )


@pytest.fixture
def web(tree):
    client = Client()
    client.force_login(tree.jiceng)
    return client


def import_by_web(web, committed, work_the_queue, content=CONTENT):
    with committed():
        web.post("/imports/members/", {"file": SimpleUploadedFile("名单.csv", content),
                                       "union": UNION})  # fmt: skip
    work_the_queue()
    return Job.objects.latest("pk")


def stage_tables():
    return [n for n in connection.introspection.table_names() if importing.STAGE_TABLE.match(n)]


def test_the_stage_holds_no_clear_numbers(tree, web, committed, work_the_queue, monkeypatch):
    seen = []
    real_drop = importing.Stage.drop

    def look_then_drop(stage):
        if stage.name not in connection.introspection.table_names():
            return  # the drop before the stage is made
        with connection.cursor() as c:
            c.execute(f"SELECT raw FROM {stage.name}")
            seen.extend(bytes(raw) if not isinstance(raw, str) else raw.encode()
                        for (raw,) in c.fetchall())  # fmt: skip
        real_drop(stage)

    monkeypatch.setattr(importing.Stage, "drop", look_then_drop)
    job = import_by_web(web, committed, work_the_queue)
    assert job.status == "failed" and len(seen) == 2
    for raw in seen:
        assert GOOD_ID.encode() not in raw and PHONE.encode() not in raw
        assert "王小明".encode() not in raw
    # The error report still shows the row as it was sent.
    report = web.get(f"/jobs/{job.pk}/file/")
    rows = list(load_workbook(io.BytesIO(b"".join(report.streaming_content))).active.values)
    assert rows[1][2] == "李小红" and rows[1][3] == make_id("222")
    assert stage_tables() == []


def test_job_files_are_private_and_the_upload_goes(tree, web, committed, work_the_queue, data_dir):
    job = import_by_web(web, committed, work_the_queue)
    report = job.folder / job.result["report"]
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    for folder in (job.folder, job.folder.parent, data_dir):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    assert [p.name for p in job.folder.iterdir()] == ["errors.xlsx"]  # the upload is gone


def test_an_export_is_private(tree, api_as, committed, work_the_queue):
    with committed():
        response = api_as(tree.jiceng).post("/api/v1/exports/members/", {"format": "csv"})
    job_id = response.json()["id"]
    work_the_queue()
    job = Job.objects.get(pk=job_id)
    assert job.status == "succeeded", job.message
    assert stat.S_IMODE((job.folder / job.result["file"]).stat().st_mode) == 0o600
    assert stat.S_IMODE(job.folder.stat().st_mode) == 0o700


def test_downloads_are_audited(tree, web, api_as, committed, work_the_queue):
    job = import_by_web(web, committed, work_the_queue)
    before = AuditEvent.objects.count()
    assert web.get(f"/jobs/{job.pk}/file/", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert api_as(tree.jiceng).get(f"/api/v1/jobs/{job.pk}/file/").status_code == 200
    events = list(AuditEvent.objects.order_by("pk")[before:])
    assert len(events) == 2
    assert all(e.actor == tree.jiceng and e.object_id == job.pk for e in events)
    assert all(e.action == AuditEvent.Action.DOWNLOAD for e in events)
    assert events[0].ip == "10.1.2.3" and "下载" in events[0].note


def test_reports_and_exports_expire_and_the_page_says_so(tree, web, committed, work_the_queue,
                                                         settings):  # fmt: skip
    settings.GONGHUI_FILE_RETENTION_DAYS = 7
    old = import_by_web(web, committed, work_the_queue)
    recent = import_by_web(web, committed, work_the_queue)
    Job.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(days=8))
    out = StringIO()
    call_command("purge", stdout=out)
    assert not old.folder.exists() and (recent.folder / "errors.xlsx").exists()
    assert web.get(f"/jobs/{old.pk}/file/").status_code == 404
    page = web.get(f"/jobs/{old.pk}/").content.decode()
    assert "文件已过期" in page and "7 天" in page and "下载错误报告" not in page
    assert "下载错误报告" in web.get(f"/jobs/{recent.pk}/").content.decode()


def test_the_purge_sweeps_stage_tables_of_jobs_that_died(tree):
    now = timezone.now()
    dead = Job.objects.create(kind="import", subject="members", status="running",
                              started_at=now - timedelta(days=1))  # fmt: skip
    live = Job.objects.create(kind="import", subject="members", status="running", started_at=now)
    crashed = Job.objects.create(kind="import", subject="members", status="failed")
    for job in (dead, live, crashed):
        importing.Stage(job, [("name", "text")]).create()
    call_command("purge", stdout=StringIO())
    assert stage_tables() == [f"import_errors_{live.pk}", f"import_stage_{live.pk}"]
    dead.refresh_from_db()
    assert dead.status == "failed" and "中断" in dead.message
    importing.Stage(live, []).drop()
