"""Importing a county's 会员基本信息采集表: every kind of dirt explained by row and column,
all or nothing, --skip-invalid, duplicates in the file and against the registry."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from rosters import dirty_roster, make_id, row

from gonghui.core.models import AuditEvent
from gonghui.core.timeline import timeline
from gonghui.jobs import importing
from gonghui.jobs.models import Job
from gonghui.members import services
from gonghui.members.models import Membership, Person

pytestmark = pytest.mark.django_db
UNION = "5101040101"  # 成都春熙百货有限公司工会 in the fixture tree


def run_import(path, *args):
    out = StringIO()
    try:
        call_command("import", "members", str(path), *args, stdout=out, stderr=StringIO())
        return out.getvalue(), None
    except CommandError as e:
        return out.getvalue(), str(e)


def fullwidth(text):
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


def wrong_checksum(number):
    return number[:-1] + ("1" if number[-1] == "0" else "0")


def other_sex(number):
    return "男" if int(number[16]) % 2 == 0 else "女"  # odd 17th digit: male


def numeric_id():
    """An ID number that Excel would keep as a number (no X at the end)."""
    return next(n for n in (make_id(seq=f"3{i:02d}") for i in range(100)) if n[-1] != "X")


def good_rows():
    return [
        row(1, "张 三", fullwidth(make_id()), phone="139 1234 5678", sex="男"
            if int(make_id()[16]) % 2 else "女", education="本科", joined="2023.10.08"),
        row(2, "单田芳", make_id(seq="342").lower(), phone="+86 13912345679", joined="2023/10/8"),
        row(3, "曾小贤", make_id(seq="453"), phone="13912345680", joined="2023年10月8日",
            platform="外卖骑手"),
        None,  # a blank row in the middle
        row(4, "解晓东", make_id(seq="564"), joined=45207),  # an Excel serial: 2023-10-08
        row(5, "区小华", make_id(seq="675"), joined="20231008"),
    ]  # fmt: skip


def test_a_clean_roster_goes_in(tree, tmp_path):
    path = dirty_roster(tmp_path / "会员采集表.xlsx", good_rows())
    out, error = run_import(path, "--union", UNION)
    assert error is None, out
    assert Membership.objects.filter(union=tree.grassroots).count() == 5
    shan = Person.objects.get(name="单田芳")
    assert shan.name_initials.startswith("s")  # 单 read as a surname
    assert Person.objects.get(name="曾小贤").platform == "food_delivery"
    dates = set(Membership.objects.values_list("joined_on", flat=True))
    assert dates == {datetime.date(2023, 10, 8)}
    # Numbered in file order.
    numbers = Membership.objects.order_by("member_number").values_list("person__name", flat=True)
    assert list(numbers) == ["张 三", "单田芳", "曾小贤", "解晓东", "区小华"]
    numbers = sorted(Membership.objects.values_list("member_number", flat=True))
    assert numbers == [f"510104{n:010d}" for n in range(1, 6)]
    assert "备注" in out  # the unknown column is listed
    job = Job.objects.get()
    assert job.status == "succeeded" and job.result["memberships_created"] == 5
    # The import is one event; each record's history says it came from it.
    event = AuditEvent.objects.get(action="import")
    assert "会员采集表.xlsx" in event.note
    assert event in timeline(shan) and event in timeline(shan.memberships.get())
    assert Person.objects.filter(name="张 三").exists()  # full-width ID read right


def test_every_bad_row_is_explained_and_nothing_is_written(tree, tmp_path, root_admin):
    elsewhere = services.approve_application(
        root_admin,
        services.submit_application(
            {"name": "乙方会员", "id_number": make_id(seq="786"), "phone": "13700000000",
             "union": tree.sibling_grassroots.code},
            consent=True,
        ),
    )  # fmt: skip
    rows = [
        *good_rows(),
        row(6, "错校验", wrong_checksum(make_id(seq="897"))),
        row(7, "张三", make_id()),  # the same person as the first row
        row(8, "乙方会员", make_id(seq="786")),  # a member of another county's union
        row(9, "长" * 100, make_id(seq="118")),
        row(10, "假日期", make_id(seq="229"), joined="2023-02-30"),
        row(11, "数字身份证", int(numeric_id())),
        row(12, "性别不符", make_id(seq="441"), sex=other_sex(make_id(seq="441"))),
        row(13, "公式手机", make_id(seq="552"), phone="=A1&B1"),
    ]
    path = dirty_roster(tmp_path / "锦江区会员.xlsx", rows)
    before = (Person.objects.count(), Membership.objects.count())
    out, error = run_import(path, "--union", UNION, "--report", str(tmp_path / "report.xlsx"))
    assert error is not None
    assert (Person.objects.count(), Membership.objects.count()) == before
    lines = [line for line in out.splitlines() if line.startswith("会员信息")]
    # Data starts under the two header rows at Excel row 5; row 8 is blank.
    expected = {
        11: ("公民身份号码", "校验"),
        12: ("公民身份号码", "第5行"),
        13: ("公民身份号码", "乙方机械厂工会"),
        14: ("姓名", "100"),
        15: ("入会时间", "2023-02-30"),
        16: ("公民身份号码", "E+17"),
        17: ("性别", "身份证"),
        18: ("手机号码", "公式"),
    }
    assert len(lines) == len(expected), out
    for line, (header, words) in expected.items():
        found = [text for text in lines if text.startswith(f"会员信息 第{line}行 {header}")]
        assert found and words in found[0], (line, lines)
    report = load_workbook(tmp_path / "report.xlsx", read_only=True).active
    cells = [list(r) for r in report.iter_rows(values_only=True)]
    assert cells[0][-1] == "错误说明"
    assert len(cells) - 1 == 8  # one line per bad row
    assert Job.objects.get().status == "failed"
    assert elsewhere.membership.status == "active"


def test_skip_invalid_imports_the_good_rows(tree, tmp_path):
    rows = [*good_rows(), row(6, "错日期", make_id(seq="897"), joined="2099-01-01")]
    path = dirty_roster(tmp_path / "roster.xlsx", rows)
    out, error = run_import(path, "--union", UNION, "--skip-invalid")
    assert error is None, out
    assert Membership.objects.count() == 5
    assert Job.objects.get().result["invalid"] == 1


def test_reimporting_the_same_roster_changes_nothing(tree, tmp_path):
    path = dirty_roster(tmp_path / "roster.xlsx", good_rows())
    run_import(path, "--union", UNION)
    out, error = run_import(path, "--union", UNION)
    assert error is None, out
    assert Membership.objects.count() == 5
    assert Job.objects.order_by("-id").first().result["unchanged"] == 5


def test_a_returning_member_keeps_their_number_and_newcomers_get_the_next(tree, tmp_path):
    run_import(dirty_roster(tmp_path / "first.xlsx", good_rows()[:2]), "--union", UNION)
    shan = Membership.objects.get(person__name="单田芳")
    services.change_membership_status(
        tree.jiceng, shan, Membership.Status.LEFT, on=datetime.date(2024, 1, 1)
    )
    path = dirty_roster(tmp_path / "again.xlsx", [*good_rows()[1:3]])  # 单田芳 again, 曾小贤
    out, error = run_import(path, "--union", UNION)
    assert error is None, out
    current = dict(Membership.objects.current().values_list("person__name", "member_number"))
    assert current["单田芳"] == shan.member_number == "5101040000000002"
    assert current["曾小贤"] == "5101040000000003"


def test_a_union_outside_the_scope(tree, tmp_path):
    path = dirty_roster(tmp_path / "roster.xlsx", good_rows())
    _out, error = run_import(path, "--union", tree.sibling_grassroots.code, "--user", "xian")
    assert error is not None and "5101050101" in error
    assert not Membership.objects.exists()


def test_rows_naming_their_unions_land_in_them(tree, tmp_path, monkeypatch):
    """A 工会代码 column: the unions are looked up once per batch of rows (two here), and a
    code that is unknown, outside the user's county or not a receiving union is the row's
    error."""
    monkeypatch.setattr(importing, "BATCH", 2)
    codes = [UNION, "9999999999", tree.sibling_grassroots.code, tree.county.code, UNION]
    lines = [f"甲{i},{make_id(seq=f'{i:03d}')},{code}" for i, code in enumerate(codes, 1)]
    path = tmp_path / "按工会.csv"
    path.write_text("姓名,公民身份号码,工会代码\n" + "\n".join(lines) + "\n", encoding="gb18030")
    with CaptureQueriesContext(connection) as queries:
        out, error = run_import(path, "--user", "xian")
    assert error is not None
    lookups = [q["sql"] for q in queries if '"unions_tradeunion"."code" IN' in q["sql"]]
    assert len(lookups) == 2  # the four codes of rows 1-4 in two queries; row 5's is known
    bad = sorted(line for line in out.splitlines() if "工会代码" in line)
    assert len(bad) == 3, out
    assert "第3行" in bad[0] and "9999999999" in bad[0]  # unknown
    assert "第4行" in bad[1] and "5101050101" in bad[1]  # another county's: not in scope
    assert "第5行" in bad[2] and "锦江区总工会" in bad[2]  # a federation takes no members
    assert not Membership.objects.exists()
    out, error = run_import(path, "--user", "xian", "--skip-invalid")
    assert error is None, out
    joined = Membership.objects.values_list("person__name", "union__code")
    assert sorted(joined) == [("甲1", UNION), ("甲5", UNION)]


def test_an_import_leaves_the_connection_as_it_found_it(tree, tmp_path):
    """The set checks and the merge sort with more memory on PostgreSQL; a background
    worker's connection lives on, so the setting must not outlive the import."""
    if connection.vendor != "postgresql":
        pytest.skip("work_mem is PostgreSQL's")

    def work_mem():
        with connection.cursor() as c:
            c.execute("SHOW work_mem")
            return c.fetchone()[0]

    before = work_mem()
    bad = [*good_rows(), row(6, "假日期", make_id(seq="229"), joined="2023-02-30")]
    for rows in (bad, good_rows()):
        out, _error = run_import(dirty_roster(tmp_path / "roster.xlsx", rows), "--union", UNION)
        assert work_mem() == before, out
    assert Membership.objects.count() == 5


def test_a_county_as_the_files_union_serves_only_files_that_name_theirs(tree, tmp_path):
    """The import form offers the user's own union for the file: for county staff a
    federation, which takes no members. With a 工会代码 column the rows that name their
    union go in and a row without one is the one in error; without the column the file
    is refused before any row is read."""
    lines = [f"甲1,{make_id(seq='001')},{UNION}", f"甲2,{make_id(seq='002')},"]
    path = tmp_path / "按工会.csv"
    path.write_text("姓名,公民身份号码,工会代码\n" + "\n".join(lines) + "\n", encoding="utf-8")
    county = ("--user", "xian", "--union", tree.county.code)
    out, error = run_import(path, *county)
    assert error is not None
    bad = [line for line in out.splitlines() if "工会代码" in line]
    assert len(bad) == 1 and "第3行" in bad[0] and "锦江区总工会" in bad[0], out
    out, error = run_import(path, *county, "--skip-invalid")
    assert error is None, out
    assert list(Membership.objects.values_list("person__name", flat=True)) == ["甲1"]
    plain = tmp_path / "无工会列.csv"
    plain.write_text(f"姓名,公民身份号码\n甲3,{make_id(seq='003')}\n", encoding="utf-8")
    _out, error = run_import(plain, *county)
    assert error is not None and "锦江区总工会" in error
    assert Membership.objects.count() == 1
