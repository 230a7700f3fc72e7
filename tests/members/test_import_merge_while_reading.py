"""Merging a large roster while it is still being read (jobs/merging.py), on PostgreSQL
with real transactions: a clean file goes in chunk by chunk on a second connection; a
bad row, a registered person or a number twice makes it give up, roll back, and leave
the file to the checks after reading, which explain it as they always do.

The threshold is lowered to every file, rows are staged two at a time and merged once
three or more wait, so a file of ten rows is merged in three chunks: rows 1-4, 5-8, 9-10."""

import logging
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from rosters import make_id

from gonghui.core.models import AuditEvent
from gonghui.jobs import importing, merging
from gonghui.jobs.models import Job
from gonghui.members import services
from gonghui.members.models import MemberNumberCounter, Membership, Person
from gonghui.regions import loader
from gonghui.regions.models import Region

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's fast path"),
    pytest.mark.django_db(transaction=True),
]
UNION = "5101040101"
GAVE_UP = "merges after reading"


@pytest.fixture(scope="module", autouse=True)
def regions_back_afterwards(django_db_blocker):
    """Transactional tests end by emptying every table; the division table, loaded once
    per session, is loaded again for the tests that follow this module."""
    yield
    with django_db_blocker.unblock():
        loader.load()


@pytest.fixture(autouse=True)
def while_reading(transactional_db, settings, monkeypatch, caplog):
    if not Region.objects.exists():
        loader.load()
    settings.GONGHUI_IMPORT_MERGE_WHILE_READING_ROWS = 1
    monkeypatch.setattr(importing, "BATCH", 2)
    monkeypatch.setattr(merging, "CHUNK", 3)
    caplog.set_level(logging.INFO, logger="gonghui.jobs.merging")


def roster(tmp_path, ids, joined="2023-10-08"):
    lines = [f"会员{i},{number},{joined}" for i, number in enumerate(ids, 1)]
    path = tmp_path / "roster.csv"
    path.write_text("姓名,公民身份号码,入会时间\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def ids(n):
    return [make_id(seq=f"{i:03d}") for i in range(1, n + 1)]


def run_import(path, *args):
    out = StringIO()
    try:
        call_command("import", "members", str(path), "--union", UNION, *args, stdout=out)
        return out.getvalue(), None
    except CommandError as e:
        return out.getvalue(), str(e)


def gave_up(caplog):
    return [r.getMessage() for r in caplog.records if GAVE_UP in r.getMessage()]


def merged(caplog):
    return [r.getMessage() for r in caplog.records if "merged while reading" in r.getMessage()]


def test_a_clean_roster_is_merged_while_read(tree, tmp_path, caplog):
    out, error = run_import(roster(tmp_path, ids(10)))
    assert error is None, out
    assert merged(caplog) == [f"import {Job.objects.get().pk} merged while reading, in 3 chunks"]
    job = Job.objects.get()
    assert job.result["persons_created"] == job.result["memberships_created"] == 10
    # Numbered in file order across the chunks; every record points to its import.
    numbers = Membership.objects.order_by("member_number").values_list("person__name", flat=True)
    assert list(numbers) == [f"会员{i}" for i in range(1, 11)]
    assert MemberNumberCounter.objects.get(prefix="510104").last == 10
    assert set(Person.objects.values_list("import_job", flat=True)) == {job.pk}
    event = AuditEvent.objects.get(action="import")
    assert "10" in event.note and event.via == "cli"


@pytest.mark.parametrize(
    ("where", "why"),
    [
        pytest.param(8, "already registered", id="in a later chunk"),  # the chunk's check
        pytest.param(3, "IntegrityError", id="in the same chunk"),  # the unique index
    ],
)
def test_the_same_person_twice_gives_up_and_is_explained(tree, tmp_path, caplog, where, why):
    numbers = ids(10)
    numbers[where] = numbers[1]  # row `where + 1` repeats row 2
    out, error = run_import(roster(tmp_path, numbers))
    assert error is not None
    assert why in gave_up(caplog)[0]
    assert f"第{where + 2}行" in out and "第3行" in out  # the header is line 1
    assert not Person.objects.exists() and not Membership.objects.exists()
    # The number blocks it reserved were rolled back with it.
    assert not MemberNumberCounter.objects.filter(last__gt=0).exists()


def test_a_registered_member_elsewhere_gives_up_and_is_explained(tree, tmp_path, caplog):
    numbers = ids(10)
    services.approve_application(
        tree.sheng,
        services.submit_application(
            {"name": "会员9", "id_number": numbers[8], "phone": "13700000000",
             "union": tree.sibling_grassroots.code},
            consent=True,
        ),
    )  # fmt: skip
    out, error = run_import(roster(tmp_path, numbers))
    assert error is not None
    assert "registered" in gave_up(caplog)[0]
    assert "第10行" in out and "乙方机械厂工会" in out
    assert Membership.objects.count() == 1


def test_a_bad_row_after_merged_chunks_leaves_nothing_written(tree, tmp_path, caplog):
    path = roster(tmp_path, ids(10))
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[-1] = lines[-1].replace("2023-10-08", "2023-02-30")  # the last row's date
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out, error = run_import(path)
    assert error is not None
    assert "a bad row" in gave_up(caplog)[0]
    assert "第11行" in out and "2023-02-30" in out
    assert not Person.objects.exists() and not Membership.objects.exists()
    # --skip-invalid then writes the other nine, after reading.
    out, error = run_import(path, "--skip-invalid")
    assert error is None, out
    assert Membership.objects.count() == 9
