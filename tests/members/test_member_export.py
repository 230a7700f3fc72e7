"""Exporting the member list as the user filters it: within scope, masked numbers unless
the user holds the permission and gives a reason (logged), and back in again."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.test import Client
from openpyxl import load_workbook
from rosters import make_id

from gonghui.core.models import AuditEvent
from gonghui.jobs.models import Job
from gonghui.members import services
from gonghui.members.models import Membership, Reveal

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(tree, root_admin):
    made = []
    for i, (name, union) in enumerate([("甲会员", tree.grassroots), ("乙会员", tree.grassroots),
                                       ("丙会员", tree.sibling_grassroots)]):  # fmt: skip
        app = services.submit_application(
            {"name": name, "id_number": make_id(seq=f"{i + 1}11"), "phone": f"1390000000{i}",
             "union": union.code},
            consent=True,
        )  # fmt: skip
        made.append(services.approve_application(root_admin, app).membership)
    return made


def grant(user):
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="accounts", codename="reveal_id_number")
    )


def read_xlsx(path_or_bytes):
    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    return [
        list(r) for r in load_workbook(source, read_only=True).active.iter_rows(values_only=True)
    ]


def command(*args):
    """Run `gonghui <args>`; what it printed."""
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_cli_export_within_scope_and_masked(tree, members, tmp_path):
    out = command("export", "members", str(tmp_path / "m.xlsx"), "--user", "xian")
    rows = read_xlsx(tmp_path / "m.xlsx")
    header, body = rows[0], rows[1:]
    assert header[:3] == ["会员编号", "姓名", "公民身份号码"]
    assert sorted(r[1] for r in body) == ["乙会员", "甲会员"]  # not 丙, of the other county
    assert all("*" in r[2] for r in body) and all("****" in r[5] for r in body)
    assert "2" in out


def test_cli_export_filtered_to_csv(tree, members, tmp_path):
    command("export", "members", str(tmp_path / "m.csv"), "--filter", "q=甲会员")
    raw = (tmp_path / "m.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM: Excel on Windows reads UTF-8 right
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r[1] for r in rows[1:]] == ["甲会员"]


def test_whole_numbers_need_the_permission_and_are_logged(tree, members, tmp_path):
    with pytest.raises(CommandError):
        command("export", "members", str(tmp_path / "m.xlsx"), "--user", "xian",
                "--reveal-reason", "核对")  # fmt: skip
    assert not (tmp_path / "m.xlsx").exists() and not Reveal.objects.exists()
    grant(tree.xian)
    command("export", "members", str(tmp_path / "m.xlsx"), "--user", "xian",
            "--reveal-reason", "年度会员核对")  # fmt: skip
    body = read_xlsx(tmp_path / "m.xlsx")[1:]
    assert sorted(r[2] for r in body) == sorted([make_id(seq="111"), make_id(seq="211")])
    log = Reveal.objects.get()
    assert (log.user, log.count, log.reason, log.person) == (tree.xian, 2, "年度会员核对", None)


def test_export_on_the_web_then_download(tree, members, django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(tree.ro)  # read-only users may export what they may read
    page = client.get("/members/?status=active").content.decode()
    assert "/exports/members/?status=active" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/exports/members/?status=active", {"format": "xlsx"})
    job = Job.objects.get()
    assert response.url == f"/jobs/{job.pk}/"
    from gonghui.jobs import runner

    runner.run(job)  # what the worker does
    download = client.get(f"/jobs/{job.pk}/file/")
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    rows = read_xlsx(b"".join(download.streaming_content))
    assert len(rows) == 3
    # One event for the export, one for its download (core/runner.py: download).
    assert AuditEvent.objects.filter(action="export").count() == 1
    assert AuditEvent.objects.filter(action="download", object_id=job.pk).count() == 1


def test_export_by_api_with_a_bad_filter(tree, members, api_as, django_capture_on_commit_callbacks):
    api = api_as(tree.xian)
    bad = api.post("/api/v1/exports/members/", {"format": "pdf"}, format="json")
    assert bad.status_code == 400 and bad.json()["field"] == "format"
    refused = api.post("/api/v1/exports/members/", {"reveal_reason": "核对"}, format="json")
    assert refused.status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/exports/members/?union=5101050000", {}, format="json")
    assert response.status_code == 202
    from gonghui.jobs import runner

    job = runner.run(Job.objects.get(pk=response.json()["id"]))
    assert job.status == "failed" and "5101050000" in job.message  # outside xian's scope


def test_an_export_goes_back_in(tree, members, tmp_path):
    """Export the roster, move nothing, import it to the same union: all unchanged."""
    grant(tree.xian)
    command("export", "members", str(tmp_path / "whole.xlsx"), "--user", "xian",
            "--reveal-reason", "迁移核对", "--filter", f"union={tree.grassroots.code}")  # fmt: skip
    command("import", "members", str(tmp_path / "whole.xlsx"))
    assert Membership.objects.count() == 3
    assert Job.objects.filter(kind="import").get().result["unchanged"] == 2
