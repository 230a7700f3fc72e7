"""The working-day calendar: counting with real arrangements, the Monday-to-Friday
estimate past its end, and administrators entering the next year (web and CLI)."""

import datetime as dt
import re

import chinese_calendar
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.test import Client

from gonghui.accounts.models import User
from gonghui.calendar import holidays, workdays
from gonghui.calendar.models import CalendarDay, CalendarYear
from gonghui.calendar.workdays import (
    add_workdays,
    covered_until,
    is_estimated,
    is_workday,
    next_workday,
    period_end,
    workdays_between,
)
from gonghui.core.models import AuditEvent

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat
ARRANGEMENT_2027 = """\
# 国务院办公厅关于2027年部分节假日安排的通知 (a made-up arrangement for the tests)
2027-01-01..2027-01-03 元旦

2027年2月6日至13日 春节
2027-02-14 春节调休上班
2027-10-01..2027-10-07 国庆节
2027-09-26 国庆节调休上班
"""


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def calendar_state():
    return (
        list(CalendarYear.objects.values_list("year", "source", "note", "updated_at")),
        list(CalendarDay.objects.values_list("date", "is_workday", "name")),
        AuditEvent.objects.exclude(action__startswith="log").count(),
    )


# --- counting with the seeded arrangements -----------------------------------------------


def test_seeded_calendar_agrees_with_chinesecalendar_on_every_day():
    assert CalendarYear.objects.filter(source="library").count() == 2026 - 2004 + 1
    day = D("2004-01-01")
    while day.year <= 2026:
        assert is_workday(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)


def test_national_day_2025():
    assert not any(is_workday(D(f"2025-10-0{i}")) for i in range(1, 9))
    assert is_workday(D("2025-09-28")) and is_workday(D("2025-10-11"))  # Sunday, Saturday
    assert not is_workday(D("2025-10-12"))  # an ordinary Sunday
    assert add_workdays(D("2025-09-30"), 1) == D("2025-10-09")
    # Five working days from the Friday before: the Sunday worked counts, the week off not.
    assert add_workdays(D("2025-09-26"), 5) == D("2025-10-10")
    assert workdays_between(D("2025-09-26"), D("2025-10-10")) == 5
    assert workdays_between(D("2025-10-10"), D("2025-09-26")) == -5
    assert add_workdays(D("2025-10-09"), -1) == D("2025-09-30")
    assert add_workdays(D("2025-10-04"), 0) == D("2025-10-04")


def test_a_notice_of_five_working_days_across_national_day():
    # Posted Monday 29 September: 29, 30 September, 9, 10 and Saturday 11 October.
    end = period_end(D("2025-09-29"), 5)
    assert end == D("2025-10-11")
    assert next_workday(end) == D("2025-10-13")
    # An ordinary week: posted on Monday, it ends on Friday; posted on Saturday, a week later.
    assert period_end(D("2025-09-15"), 5) == D("2025-09-19")
    assert period_end(D("2025-09-13"), 5) == D("2025-09-19")
    with pytest.raises(ValueError):
        period_end(D("2025-09-15"), 0)


def test_spring_festival_2026():
    assert not any(is_workday(D("2026-02-15") + dt.timedelta(days=i)) for i in range(9))
    assert is_workday(D("2026-02-14")) and is_workday(D("2026-02-28"))  # Saturdays worked
    # Due in 5 working days from Thursday 12 February: 13, 14 (Sat), 24, 25, 26.
    assert add_workdays(D("2026-02-12"), 5) == D("2026-02-26")
    # A notice posted Monday 9 February ends on Friday 13; the next step may come on Saturday
    # 14, a working day.
    assert period_end(D("2026-02-09"), 5) == D("2026-02-13")
    assert next_workday(D("2026-02-13")) == D("2026-02-14")
    assert workdays_between(D("2026-02-13"), D("2026-02-24")) == 2


def test_past_the_end_counts_monday_to_friday_and_says_so():
    assert covered_until() == D("2026-12-31")
    start = D("2026-12-30")
    due = add_workdays(start, 5)
    assert due == D("2027-01-06")  # 31 Dec, Fri 1 Jan (no 元旦 known yet), 4, 5, 6 Jan
    assert is_workday(D("2027-01-01"))
    assert is_estimated(start, due)
    assert is_estimated(D("2027-03-01"))
    assert not is_estimated(D("2025-09-29"), period_end(D("2025-09-29"), 5))
    assert is_estimated(D("2003-12-31"), D("2004-01-05"))  # before the first year too


def test_thousands_of_deadlines_cost_one_query(django_assert_num_queries):
    workdays.calendar()  # loaded once per process
    workdays.invalidate()  # as a new request does
    start = D("2025-01-01")
    with django_assert_num_queries(1):  # only "has it changed?"
        dues = [add_workdays(start + dt.timedelta(days=i % 365), 5) for i in range(5000)]
        flags = [is_estimated(start, due) for due in dues]
    assert len(dues) == 5000 and not any(flags)


# --- administrators enter the next year --------------------------------------------------


def test_administrator_enters_2027_and_the_answers_change(root_admin):
    before = add_workdays(D("2026-12-30"), 5)
    assert before == D("2027-01-06") and is_estimated(D("2027-01-06"))
    client = client_for(root_admin)
    page = client.get("/calendar/")
    assert page.status_code == 200 and "2027" in page.content.decode()
    assert client.get("/calendar/2027/").status_code == 200  # the empty form
    response = client.post(
        "/calendar/2027/", {"lines": ARRANGEMENT_2027, "note": "国办发明电〔2026〕12号"}
    )
    assert response.status_code == 302 and response["Location"] == "/calendar/2027/"

    year = CalendarYear.objects.get(year=2027)
    assert (year.source, year.updated_by, year.note) == (
        "administrator",
        root_admin,
        "国办发明电〔2026〕12号",
    )
    assert year.days.count() == 3 + 8 + 1 + 7 + 1
    # The same process answers from the new calendar at once.
    assert add_workdays(D("2026-12-30"), 5) == D("2027-01-07")
    assert not is_estimated(D("2026-12-30"), D("2027-01-07"))
    assert covered_until() == D("2027-12-31")
    assert is_workday(D("2027-02-14")) and not is_workday(D("2027-02-08"))
    assert add_workdays(D("2027-02-05"), 1) == D("2027-02-14")

    event = AuditEvent.objects.for_object(year).get()
    assert event.action == "create" and event.actor == root_admin
    assert event.changes["days"][1].startswith("2027-01-01..2027-01-03 元旦；2027-02-06..")
    body = client.get("/calendar/2027/").content.decode()
    assert "春节调休上班" in body and "国办发明电" in body


def test_another_process_sees_the_edit_on_its_next_request(root_admin, django_assert_num_queries):
    assert add_workdays(D("2026-12-30"), 5) == D("2027-01-06")  # loaded and checked
    # Another gunicorn worker saves 2027: this process's local cache is not told.
    year = CalendarYear.objects.create(year=2027, source="administrator")
    CalendarDay.objects.create(year=year, date=D("2027-01-01"), is_workday=False, name="元旦")
    with django_assert_num_queries(0):
        assert add_workdays(D("2026-12-30"), 5) == D("2027-01-06")  # still the loaded state
    client_for(root_admin).get("/calendar/")  # a request starts: check before answering
    assert add_workdays(D("2026-12-30"), 5) == D("2027-01-07")


def test_correcting_a_year_replaces_it_and_keeps_the_history(root_admin):
    lines = holidays.as_text(CalendarYear.objects.get(year=2026).days.all())
    assert "2026-02-15..2026-02-23 春节" in lines and "2026-02-14 春节调休上班" in lines
    # Unchanged lines: nothing is written, nor audited.
    holidays.save_year(root_admin, 2026, lines)
    assert CalendarYear.objects.get(year=2026).source == "library"
    assert not AuditEvent.objects.filter(object_repr="2026").exists()
    # The 28 February Saturday is no longer worked (a correction).
    corrected = lines.replace("2026-02-28 春节调休上班\n", "")
    client_for(root_admin).post("/calendar/2026/", {"lines": corrected})
    assert not is_workday(D("2026-02-28"))
    year = CalendarYear.objects.get(year=2026)
    assert year.source == "administrator"
    event = AuditEvent.objects.for_object(year).get()
    assert event.action == "update" and "2026-02-28 春节调休上班" in event.changes["days"][0]
    assert "2026-02-28" not in event.changes["days"][1]
    assert "放假和调休上班" in client_for(root_admin).get("/calendar/2026/").content.decode()


def test_a_year_is_added_only_after_the_last_one(root_admin):
    with pytest.raises(ValidationError) as e:
        holidays.save_year(root_admin, 2028, "2028-01-01 元旦")
    assert "2027" in e.value.message_dict["year"][0]
    assert client_for(root_admin).get("/calendar/2028/").status_code == 404
    assert client_for(root_admin).get("/calendar/99999999999/").status_code == 404
    assert not CalendarYear.objects.filter(year=2028).exists()


def test_only_platform_administrators_change_the_calendar(tree):
    before = calendar_state()
    for user in (tree.xian, tree.sheng, tree.xian_admin):  # staff, union administrators
        client = client_for(user)
        assert client.get("/calendar/").status_code == 200  # anyone may read it
        page = client.get("/calendar/2026/")
        assert page.status_code == 200 and "<textarea" not in page.content.decode()
        assert client.post("/calendar/2026/", {"lines": "2026-03-02 假日"}).status_code == 403
        assert client.post("/calendar/2027/", {"lines": ARRANGEMENT_2027}).status_code in (403, 404)
        with pytest.raises(PermissionDenied):
            holidays.save_year(user, 2027, ARRANGEMENT_2027)
    assert calendar_state() == before
    assert Client().get("/calendar/").status_code == 302  # to the login page


def bad_lines(y):
    """Lines for year y (2027 or 2026) and, by line number, words its error must hold."""
    lines = {
        1: f"{y}-01-01..{y}-01-03 元旦",  # good
        2: f"{y}-02-30 春节",
        3: f"{y - 1}-12-31 元旦",
        4: f"{y}-02-16 调休上班",  # a Tuesday in 2027, a Monday in 2026
        5: f"{y}-01-02 元旦",  # already on line 1
        6: f"{y}-02-14 春节",  # a Sunday in 2027, a Saturday in 2026
        7: f"{y}-02-14 春节调休上班",  # a holiday on line 6
        8: f"{y}-04-05..{y}-04-03 清明节",
        9: f"元旦 {y}-01-01",
        10: f"{y}-05-01",
        11: f"{y}-10-01..{y}-10-07 国庆节",  # good
    }
    errors = {
        2: f"{y}-02-30 不是一个存在的日期",
        3: f"{y - 1}-12-31 不在 {y} 年",
        4: f"{y}-02-16 是星期",
        5: f"{y}-01-02 已在第1行列为放假",
        7: f"{y}-02-14 已在第6行列为放假",
        8: f"结束于 {y}-04-03，早于开始",
        9: "读不懂",
        10: "请写出名称",
    }
    return "\n".join(lines.values()), errors


@pytest.mark.parametrize("year", [2027, 2026])  # a new year, a correction
def test_each_bad_line_is_named_and_nothing_is_written(root_admin, year):
    text, expected = bad_lines(year)
    before = calendar_state()
    response = client_for(root_admin).post(f"/calendar/{year}/", {"lines": text})
    assert response.status_code == 200
    body = response.content.decode()
    errors = response.context["form"].errors["lines"]
    assert len(errors) == len(expected), errors
    for (line, words), error in zip(expected.items(), errors, strict=True):
        assert error.startswith(f"第{line}行："), error
        assert words in error, error
        assert error in body
    assert calendar_state() == before


def test_lines_as_people_write_them():
    days = holidays.parse(
        "２０２７年２月６日至１３日　春节\n2027.10.1-10.7 国庆节\n2027/9/26 国庆节补班\n", 2027
    )
    assert [d.date for d in days][:2] == [D("2027-02-06"), D("2027-02-07")]
    assert len(days) == 8 + 7 + 1
    assert days[-8] == holidays.Day(D("2027-09-26"), True, "国庆节补班")
    again = holidays.parse(holidays.as_text(days), 2027)
    assert again == days
    with pytest.raises(ValidationError) as e:
        holidays.parse("# only a comment\n\n", 2027)
    assert "没有" in e.value.message_dict["lines"][0]


def test_seeding_adds_missing_years_and_leaves_corrected_ones(root_admin):
    holidays.save_year(root_admin, 2025, "2025-10-01..2025-10-08 国庆节")
    CalendarYear.objects.filter(year__lt=2020).delete()  # as a flush leaves it, in part
    holidays.seed_from_library()
    assert CalendarYear.objects.count() == 23
    assert is_workday(D("2019-09-29")) and not is_workday(D("2019-10-07"))  # seeded again
    assert is_workday(D("2025-09-28")) is False  # the administrator's 2025 stands
    assert CalendarYear.objects.get(year=2025).source == "administrator"


def test_django_admin_shows_the_calendar_and_sends_edits_to_the_page():
    ops = User.objects.create_superuser("ops", password="x")
    client = client_for(ops)
    year = CalendarYear.objects.get(year=2025)
    page = client.get(f"/admin/calendar/calendaryear/{year.pk}/change/").content.decode()
    assert "中秋节" in page  # its days, shown
    view_on_site = re.search(r'href="(/admin/r/\d+/\d+/)"', page)[1]
    assert client.get(view_on_site)["Location"].endswith("/calendar/2025/")  # edited there
    assert client.get("/admin/calendar/calendarday/?is_workday__exact=1").status_code == 200
    assert client.get("/admin/calendar/calendarday/add/").status_code == 403


# --- the command line ----------------------------------------------------------------------


def test_cli_loads_and_shows_a_year(tmp_path, capsys, root_admin):
    path = tmp_path / "2027.txt"
    path.write_text(ARRANGEMENT_2027, encoding="gb18030")
    call_command("calendar", "load", "2027", str(path), "--note", "国办发明电〔2026〕12号")
    assert "已保存" in capsys.readouterr().out
    call_command("calendar", "show", "2027")
    out = capsys.readouterr().out
    assert out.splitlines()[:2] == ["2027-01-01..2027-01-03 元旦", "2027-02-06..2027-02-13 春节"]
    assert AuditEvent.objects.get(object_repr="2027").via == "cli"
    call_command("calendar", "show")
    assert "2027-12-31" in capsys.readouterr().out


def test_cli_refuses_a_bad_file_and_writes_nothing(tmp_path, capsys):
    path = tmp_path / "2027.txt"
    path.write_text("2027-01-01 元旦\n2027-01-04 调休上班\n", encoding="utf-8")
    before = calendar_state()
    with pytest.raises(CommandError):
        call_command("calendar", "load", "2027", str(path))
    assert "第2行" in capsys.readouterr().err
    assert calendar_state() == before
