"""The case register exported as the user sees it: the workbench's box and filters kept,
the phone masked, a confidential caller unnamed to those who may not see them; from the
web page and from the command line."""

import datetime as dt
import io

import pytest
from caselib import call
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

from gonghui.accounts.models import User
from gonghui.cases import services
from gonghui.core import values
from gonghui.jobs import runner
from gonghui.jobs.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr(values, "today", lambda: dt.date(2026, 10, 26))


def read_xlsx(source):
    source = io.BytesIO(source) if isinstance(source, bytes) else source
    return [
        list(r) for r in load_workbook(source, read_only=True).active.iter_rows(values_only=True)
    ]


@pytest.fixture
def register(tree):
    late = services.take(tree.xian, call(caller_name="超期来电人"))  # due 2026-10-23
    services.take(tree.xian, call(caller_name="未超期来电人", received_on="2026-10-22"))
    secret = services.take(tree.xian, call(caller_name="保密来电人", confidential=True))
    street = User.objects.create_user(
        "jiedao", password="x", role=User.Role.STAFF, union=tree.street
    )
    services.transfer(tree.xian, secret, {"to_union": tree.street.code, "note": "请核实"})
    return late, secret, street


def test_the_overdue_box_exported_from_the_web_page(
    tree, register, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(tree.xian)
    page = client.get("/cases/?box=overdue").content.decode()
    assert "/exports/cases/?box=overdue" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/exports/cases/?box=overdue", {"format": "xlsx"})
    job = Job.objects.get()
    runner.run(job)
    rows = read_xlsx(b"".join(client.get(f"/jobs/{job.pk}/file/").streaming_content))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["案件编号", "受理日期", "来源渠道"]
    names = sorted(r[header.index("来电人")] for r in body)
    assert names == ["保密来电人", "超期来电人"]  # the county handles both: it sees them
    row = body[[r[header.index("来电人")] for r in body].index("超期来电人")]
    assert row[header.index("联系电话")] == "138****1111"
    assert row[header.index("超期")] == "是" and row[header.index("办理期限")] == "2026-10-23"


def test_the_cli_exports_as_the_named_user(tree, register, tmp_path):
    _late, secret, _street = register
    call_command("export", "cases", str(tmp_path / "c.xlsx"), "--user", "jiedao",
                 stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip
    rows = read_xlsx(tmp_path / "c.xlsx")
    header, body = rows[0], rows[1:]
    # The street sees only the case handed to it, and its caller as confidential.
    assert [r[0] for r in body] == [secret.number]
    assert body[0][header.index("来电人")] == "（保密）"
    assert body[0][header.index("联系电话")] in ("", None)
    text = " ".join(str(v) for r in rows for v in r if v)
    assert "保密来电人" not in text and "138****1111" not in text
