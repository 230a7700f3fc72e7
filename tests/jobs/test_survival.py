"""Jobs that survive (issue 14): cancelling a job on the web and by the API (its owner
only), a cancelled import that writes nothing, the two queues and a worker for each, the
supervisor's restarts with back-off, and the heartbeat sweep that fails jobs whose worker
died. The real `kill -9` is in test_kill_worker.py."""

import io
import sys
import time
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from gonghui.core.models import AuditEvent
from gonghui.jobs import importing, limits, registry, retention, runner, supervisor
from gonghui.jobs.models import Job
from gonghui.members.importers import MemberImporter
from gonghui.members.models import Membership, Person

pytestmark = pytest.mark.django_db
UNION = "5101040101"


def make_id(n):
    from stdnum.cn import ric

    body = f"510104199001{n // 900 + 1:02d}{n % 900 + 100:03d}"
    return body + ric.calc_check_digit(body + "0")


def roster(rows):
    lines = [f"测试{n},{make_id(n)},139{n:08d},2024/5/1" for n in range(rows)]
    return ("姓名,身份证号,手机号码,入会时间\r\n" + "\r\n".join(lines) + "\r\n").encode()


def upload(content, name="roster.csv"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def work_the_queue(monkeypatch):
    """`gonghui db_worker --batch` over one queue (or all)."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def work(queue="*"):
        call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", queue,
                     stdout=io.StringIO())  # fmt: skip

    return work


def start_import(user, rows=3):
    return runner.start(
        user, Job.Kind.IMPORT, "members", {"union": UNION}, upload=upload(roster(rows))
    )


def stage_tables(job):
    return [
        n for n in connection.introspection.table_names() if n.startswith(f"import_stage_{job.pk}")
    ]


# --- cancel ------------------------------------------------------------------------------


def test_a_queued_job_cancelled_on_the_web_never_starts(tree, committed, work_the_queue):
    web = Client()
    web.force_login(tree.jiceng)
    with committed():
        job = start_import(tree.jiceng)
    page = web.get(f"/jobs/{job.pk}/").content.decode()
    assert f'action="/jobs/{job.pk}/cancel/"' in page and "取消任务" in page
    assert "jobs/job.js" in page and "onsubmit" not in page  # the confirm lives in job.js
    assert web.get(f"/jobs/{job.pk}/cancel/").status_code == 405
    response = web.post(f"/jobs/{job.pk}/cancel/")
    assert response.status_code == 302 and response.url == f"/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED and job.finished_at
    assert not (job.folder / "input.csv").exists()  # the upload goes at once
    page = web.get(f"/jobs/{job.pk}/").content.decode()
    assert "任务已取消" in page and "已取消" in page and "取消任务" not in page
    work_the_queue()
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED and job.started_at is None
    assert not Membership.objects.exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE, object_id=job.pk)
    assert event.actor == tree.jiceng and f"取消了任务 {job.pk}" in event.note


def test_a_running_job_cancelled_on_the_web_is_asked_to_stop(tree, committed):
    web = Client()
    web.force_login(tree.jiceng)
    with committed():
        job = start_import(tree.jiceng)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    page = web.post(f"/jobs/{job.pk}/cancel/", follow=True).content.decode()
    assert "任务会在下一步停下" in page and "正在取消" in page and "取消任务" not in page
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING and job.cancel_requested
    assert (job.folder / "input.csv").exists()  # the running job still reads it
    with pytest.raises(runner.JobCancelled):
        runner.Progress(job).advance(1)


def test_only_the_owner_cancels(tree, api_as, committed):
    with committed():
        job = start_import(tree.jiceng)
    for stranger in (tree.other, tree.xian, tree.sheng):
        web = Client()
        web.force_login(stranger)
        assert web.post(f"/jobs/{job.pk}/cancel/").status_code == 404
        assert api_as(stranger).post(f"/api/v1/jobs/{job.pk}/cancel/").status_code == 404
    web = Client()
    web.force_login(tree.xian)
    assert "取消任务" not in web.get(f"/jobs/{job.pk}/").content.decode()  # 404 page anyway
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and not job.cancel_requested
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).exists()


def test_cancel_by_the_api(tree, api_as, committed, work_the_queue):
    api = api_as(tree.jiceng)
    with committed():
        job = start_import(tree.jiceng)
    response = api.post(f"/api/v1/jobs/{job.pk}/cancel/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled" and response.json()["finished"] is True
    again = api.post(f"/api/v1/jobs/{job.pk}/cancel/")
    assert again.status_code == 400
    assert again.json()["code"] == "ended" and "无需取消" in again.json()["message"]
    # A job that ran to its end cannot be cancelled either.
    with committed():
        done = start_import(tree.jiceng)
    work_the_queue()
    assert api.post(f"/api/v1/jobs/{done.pk}/cancel/").json()["code"] == "ended"
    assert Job.objects.get(pk=done.pk).status == Job.Status.SUCCEEDED


def test_the_schema_declares_cancel(tree, api_as):
    schema = api_as(tree.jiceng).get("/api/schema/", {"format": "json"}).json()
    cancel = schema["paths"]["/api/v1/jobs/{id}/cancel/"]["post"]
    assert "200" in cancel["responses"] and "requestBody" not in cancel
    assert "cancel_requested" in schema["components"]["schemas"]["Job"]["properties"]


@pytest.fixture
def every_progress_written(monkeypatch):
    monkeypatch.setattr(runner.Progress, "INTERVAL", 0)


def test_a_running_import_cancelled_between_batches_writes_nothing(
    tree, every_progress_written, monkeypatch
):
    job = start_import(tree.jiceng, rows=5000)  # three batches of rows
    real_advance = runner.Progress.advance
    seen = []

    def advance(progress, rows):
        if progress.done >= importing.BATCH and not seen:
            seen.append(Job.objects.get(pk=job.pk).status)
            runner.cancel(tree.jiceng, Job.objects.get(pk=job.pk))  # the user's click
        real_advance(progress, rows)

    monkeypatch.setattr(runner.Progress, "advance", advance)
    job = runner.run(job)
    assert seen == [Job.Status.RUNNING]
    assert job.status == Job.Status.CANCELLED, job.message
    assert "没有写入" in job.message and job.done < 5000
    assert not Person.objects.exists() and not Membership.objects.exists()
    assert not stage_tables(job) and not (job.folder / "input.csv").exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).exists()


def test_a_cancel_that_comes_during_the_merge_rolls_it_back(tree, monkeypatch):
    job = start_import(tree.jiceng, rows=20)
    real_merge = MemberImporter.merge

    def merge(self, stage, context, job_, where="1 = 1"):
        counts = real_merge(self, stage, context, job_, where)
        assert Membership.objects.count() == 20  # written, not yet committed
        runner.cancel(tree.jiceng, Job.objects.get(pk=job.pk))
        return counts

    monkeypatch.setattr(MemberImporter, "merge", merge)
    job = runner.run(job)
    assert job.status == Job.Status.CANCELLED, job.message
    assert not Person.objects.exists() and not Membership.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).exists()


def test_a_cancelled_export_leaves_no_file(tree, every_progress_written, monkeypatch):
    job = runner.start(tree.jiceng, Job.Kind.EXPORT, "unions", {"format": "csv"},
                       file_name="unions.csv")  # fmt: skip

    def set_total(progress, total):
        runner.cancel(tree.jiceng, Job.objects.get(pk=job.pk))
        runner.Progress._write(progress, total=total)

    monkeypatch.setattr(runner.Progress, "set_total", set_total)
    job = runner.run(job)
    assert job.status == Job.Status.CANCELLED
    assert not (job.folder / "export.csv").exists() and not runner.result_file(job)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


# --- queues ------------------------------------------------------------------------------


def test_imports_wait_in_the_long_queue_exports_in_the_default_one(
    tree, api_as, committed, work_the_queue
):
    api = api_as(tree.jiceng)
    with committed():
        imported = start_import(tree.jiceng)
        exported = api.post("/api/v1/exports/unions/", {"format": "csv"}).json()["id"]
    by_job = {task.args_kwargs["args"][0]: task.queue_name for task in DBTaskResult.objects.all()}
    assert by_job == {imported.pk: "long", exported: "default"}
    # The worker of the default queue runs the export while the import waits for its own.
    work_the_queue("default")
    assert Job.objects.get(pk=exported).status == Job.Status.SUCCEEDED
    assert Job.objects.get(pk=imported.pk).status == Job.Status.QUEUED
    work_the_queue("long")
    assert Job.objects.get(pk=imported.pk).status == Job.Status.SUCCEEDED
    assert registry.kind("import").queue == "long" and registry.kind("export").queue == "default"


def test_serve_starts_the_web_and_a_supervised_worker_per_queue(monkeypatch):
    started = []
    monkeypatch.setattr(supervisor.Supervisor, "run", lambda self: started.extend(self.services))
    monkeypatch.setattr(retention, "purge", lambda: None)
    call_command("serve", "--port", "8123", stdout=io.StringIO())
    web, *workers = started
    assert web.name == "web" and not web.restart and "gunicorn" in web.argv
    assert [w.argv[w.argv.index("--queue-name") + 1] for w in workers] == ["default", "long"]
    assert all(w.restart and "db_worker" in w.argv and "--no-reload" in w.argv for w in workers)
    started.clear()
    call_command("serve", "--no-web", stdout=io.StringIO())
    assert [s.name for s in started] == ["worker default", "worker long"]


# --- the supervisor ----------------------------------------------------------------------


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def wait_dead(service):
    service.process.wait(10)


def test_the_supervisor_restarts_a_dead_worker_with_back_off():
    clock = Clock()
    dies = supervisor.Service("worker", [sys.executable, "-c", "raise SystemExit(3)"])
    lives = supervisor.Service("web", [sys.executable, "-c", "import time; time.sleep(60)"],
                               restart=False)  # fmt: skip
    boss = supervisor.Supervisor([dies, lives], clock=clock)
    boss.start()
    try:
        first = dies.process.pid
        waits = []
        for _round in range(4):
            wait_dead(dies)
            assert boss.check()  # noticed: due again after the back-off
            waits.append(dies.restart_at - clock.now)
            assert dies.process.returncode == 3 and not dies.alive
            clock.now = dies.restart_at - 0.01
            assert boss.check() and not dies.alive  # not before its time
            clock.now = dies.restart_at
            assert boss.check()  # started again
        assert waits == [1, 2, 4, 8] and dies.restarts == 4 and dies.process.pid != first
        # One that lives long enough starts its back-off over.
        sleeper = [sys.executable, "-c", "import time; time.sleep(60)"]
        wait_dead(dies)
        dies.argv = sleeper
        boss.check()
        clock.now = dies.restart_at
        boss.check()
        assert dies.alive and dies.backoff == 32
        clock.now += supervisor.STABLE
        boss.check()
        assert dies.backoff == supervisor.FIRST_BACKOFF
        # The web server ending ends the supervisor, which stops the rest.
        lives.process.kill()
        wait_dead(lives)
        assert boss.check() is False
    finally:
        boss.shutdown(wait=5)
    assert not dies.alive and not lives.alive


# --- heartbeat ---------------------------------------------------------------------------


def test_progress_writes_the_heartbeat(tree, every_progress_written):
    job = start_import(tree.jiceng, rows=3)
    before = timezone.now()
    job = runner.run(job)
    assert job.status == Job.Status.SUCCEEDED and job.heartbeat_at >= before


def test_the_worker_beats_while_the_job_process_works():
    beats = []
    started = time.monotonic()
    assert limits.run_isolated(time.sleep, (1.5,), beat=lambda: beats.append(1),
                               beat_every=0.3) == limits.OK  # fmt: skip
    assert 3 <= len(beats) <= 6 and time.monotonic() - started < 5
    # A beat that fails does not stop the job.
    assert limits.run_isolated(time.sleep, (0.5,), beat=lambda: 1 / 0, beat_every=0.1) == limits.OK


def test_the_sweep_fails_running_jobs_whose_heartbeat_stopped(tree, settings):
    settings.GONGHUI_JOB_HEARTBEAT_SECONDS = 60
    now = timezone.now()

    def running(**fields):
        job = start_import(tree.jiceng)
        Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, **fields)
        importing.Stage(job, [("name", "text")]).create()
        return job

    dead = running(started_at=now - timedelta(minutes=10), heartbeat_at=now - timedelta(seconds=61))
    never = running(started_at=now - timedelta(minutes=2))  # died before its first beat
    long_alive = running(
        started_at=now - timedelta(hours=1), heartbeat_at=now - timedelta(seconds=5)
    )
    fresh = running(started_at=now, heartbeat_at=now)
    queued = start_import(tree.jiceng)
    failed = retention.fail_dead_jobs(now)
    assert sorted(j.pk for j in failed) == [dead.pk, never.pk]
    for job in (dead, never):
        job.refresh_from_db()
        assert job.status == Job.Status.FAILED and job.finished_at == now
        assert "工作进程中断" in job.message and "请重新开始" in job.message
        assert not stage_tables(job) and not (job.folder / "input.csv").exists()
    for job in (long_alive, fresh):
        job.refresh_from_db()
        assert job.status == Job.Status.RUNNING and stage_tables(job)
        assert (job.folder / "input.csv").exists()
        importing.Stage(job, []).drop()
    assert Job.objects.get(pk=queued.pk).status == Job.Status.QUEUED
    assert retention.fail_dead_jobs(now) == []  # each is failed once


def test_a_job_the_sweep_failed_does_not_start_again(tree, settings):
    job = start_import(tree.jiceng)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED)
    job = runner.run(Job.objects.get(pk=job.pk))
    assert job.status == Job.Status.FAILED and job.started_at is None
    assert not Membership.objects.exists()
