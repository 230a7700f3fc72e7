"""Files crafted to break the importer (issue 13, finding 7): each is refused with a Chinese
error naming the limit it hit, through the CLI and through the API, nothing is written, and
the worker goes on to the next job. And a job that runs away is stopped by the job limits."""

import io
import os
import random
import re
import time
import zipfile
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from gonghui.jobs import limits
from gonghui.jobs.models import Job
from gonghui.members.models import Membership

pytestmark = pytest.mark.django_db
UNION = "5101040101"
HEADER = ["姓名", "身份证号", "手机号码", "入会时间"]


def make_id(seq):
    from stdnum.cn import ric

    body = "510104" + "19900101" + seq
    return body + ric.calc_check_digit(body + "0")


def roster_csv(*lines, encoding="gb18030"):
    return (",".join(HEADER) + "\r\n" + "".join(line + "\r\n" for line in lines)).encode(encoding)


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


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


def roster_xlsx(rows=None):
    rows = rows or [("王小明", make_id("111"), "13911110001", "2024-05-01")]
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def rewrite(content, change=None, add=None):
    """The workbook with each member passed through `change(name, data)` and `add` members."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            data = source.read(member)
            target.writestr(member.filename, change(member.filename, data) if change else data)
        for name, data in (add or {}).items():
            target.writestr(name, data)
    return out.getvalue()


def zip_bomb():
    # 200 MB of one repeated byte packs into a few hundred KB.
    return rewrite(roster_xlsx(), add={"xl/media/padding.xml": b" " * (200 * 1024 * 1024)})


def huge_dimension():
    def change(name, data):
        if name == "xl/worksheets/sheet1.xml":
            return re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', data)
        return data

    content = rewrite(roster_xlsx(), change)
    assert b"XFD1048576" in zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    return content


def megabyte_text():
    """A million different-looking characters: they do not compress like a bomb."""
    rng = random.Random(13)
    return "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(2**20))


def megabyte_cell_xlsx():
    # Written into the XML by hand: openpyxl itself cuts a cell at 32,767 characters.
    content = roster_xlsx([("TOO-LONG", make_id("111"), "13911110001", "2024-05-01")])
    return rewrite(content, lambda name, data: data.replace(b"TOO-LONG", megabyte_text().encode()))


def megabyte_cell_csv():
    return roster_csv(f"{megabyte_text()},{make_id('111')},13911110001,2024/5/1",
                      encoding="utf-8")  # fmt: skip


HOSTILE = [
    ("bomb.xlsx", zip_bomb, "压缩比上限 200 倍"),
    ("dimension.xlsx", huge_dimension, "最大行数 1,048,576 行"),
    ("cell.xlsx", megabyte_cell_xlsx, "长度上限 32767 个字符"),
    ("cell.csv", megabyte_cell_csv, "长度上限 32767 个字符"),
]


@pytest.mark.parametrize(("name", "make", "limit"), HOSTILE)
def test_hostile_files_by_the_cli(tree, tmp_path, name, make, limit):
    path = tmp_path / name
    path.write_bytes(make())
    with pytest.raises(CommandError) as refused:
        call_command("import", "members", str(path), "--union", UNION, stdout=StringIO(),
                     stderr=StringIO())  # fmt: skip
    assert limit in str(refused.value), str(refused.value)
    assert not Membership.objects.exists()


@pytest.mark.parametrize(("name", "make", "limit"), HOSTILE)
def test_hostile_files_by_the_api_and_the_queue_goes_on(
    tree, api_as, committed, work_the_queue, name, make, limit
):
    api = api_as(tree.jiceng)
    with committed():
        bad = api.post("/api/v1/imports/members/", {"file": upload(name, make()), "union": UNION},
                       format="multipart").json()["id"]  # fmt: skip
        good = api.post("/api/v1/imports/members/",
                        {"file": upload("ok.xlsx", roster_xlsx()), "union": UNION},
                        format="multipart").json()["id"]  # fmt: skip
    work_the_queue()
    job = api.get(f"/api/v1/jobs/{bad}/").json()
    assert job["status"] == "failed" and limit in job["message"], job["message"]
    assert api.get(f"/api/v1/jobs/{good}/").json()["status"] == "succeeded"
    assert Membership.objects.count() == 1


def test_a_utf16_csv_without_bom_is_read(tree, tmp_path):
    content = roster_csv(f"王小明,{make_id('111')},13911110001,2024/5/1", encoding="utf-16-le")
    assert not content.startswith(b"\xff\xfe")
    path = tmp_path / "unicode.txt"
    path.write_bytes(content)
    call_command("import", "members", str(path), "--union", UNION, stdout=StringIO(),
                 stderr=StringIO())  # fmt: skip
    assert Membership.objects.get().person.name == "王小明"


def test_an_upload_over_the_size_limit(tree, api_as, settings, tmp_path):
    settings.GONGHUI_UPLOAD_MAX_MB = 1
    content = roster_csv(*[f"王小明,{make_id('111')},13911110001,2024/5/1"] * 30000)
    assert len(content) > 1024 * 1024
    response = api_as(tree.jiceng).post(
        "/api/v1/imports/members/", {"file": upload("big.csv", content), "union": UNION},
        format="multipart",
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json()["field"] == "file" and "上传大小上限 1 MB" in response.json()["message"]
    from django.test import Client

    web = Client()
    web.force_login(tree.jiceng)
    page = web.post("/imports/members/", {"file": upload("big.csv", content), "union": UNION})
    assert "上传大小上限 1 MB" in page.content.decode()
    path = tmp_path / "big.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError, match="上传大小上限 1 MB"):
        call_command("import", "members", str(path), "--union", UNION, stdout=StringIO())
    assert not Job.objects.exists() and not Membership.objects.exists()


def address_space_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE") // (1024 * 1024)


def grab_memory():
    return bytearray(8 * 1024 * 1024 * 1024)


def test_the_limits_stop_a_child_that_runs_away():
    memory = address_space_mb() + 300
    assert limits.run_isolated(grab_memory, memory_mb=memory) == limits.MEMORY
    started = time.monotonic()
    assert limits.run_isolated(time.sleep, (30,), timeout_seconds=1) == limits.TIMEOUT
    assert time.monotonic() - started < 10
    assert limits.run_isolated(sum, ([1, 2],), memory_mb=memory, timeout_seconds=10) == limits.OK


def test_a_job_over_the_memory_limit_fails_alone(
    tree, api_as, committed, work_the_queue, settings, monkeypatch
):
    from gonghui.jobs import runner

    settings.GONGHUI_JOB_ISOLATION = True
    settings.GONGHUI_JOB_MEMORY_MB = address_space_mb() + 300
    real_work = runner.work
    monkeypatch.setattr(
        runner, "work", lambda job, progress: grab_memory() if job.file_name == "bomb.csv" else 0
    )
    api = api_as(tree.jiceng)
    content = roster_csv(f"王小明,{make_id('111')},13911110001,2024/5/1")
    with committed():
        bad = api.post("/api/v1/imports/members/", {"file": upload("bomb.csv", content),
                       "union": UNION}, format="multipart").json()["id"]  # fmt: skip
    work_the_queue()
    job = Job.objects.get(pk=bad)
    assert job.status == "failed", job.message
    assert f"内存上限 {settings.GONGHUI_JOB_MEMORY_MB} MB" in job.message
    assert not (job.folder / "input.csv").exists()
    # The worker goes on: the next job runs (in-process here, so the test sees its rows).
    monkeypatch.setattr(runner, "work", real_work)
    settings.GONGHUI_JOB_ISOLATION = False
    with committed():
        good = api.post("/api/v1/imports/members/", {"file": upload("ok.csv", content),
                        "union": UNION}, format="multipart").json()["id"]  # fmt: skip
    work_the_queue()
    assert Job.objects.get(pk=good).status == "succeeded"
