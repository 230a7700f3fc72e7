"""The worklist: what each file needs next, counted in working days, within the scope."""

import pytest
from households import D, file_data, filed, member

from gonghui.assistance import reminders
from gonghui.assistance.services import files
from gonghui.assistance.services.files import add_months

pytestmark = pytest.mark.django_db


def kinds(user, today):
    return {(r.file.pk, r.kind): (r.due, r.workdays_left) for r in reminders.for_user(user, today)}


def test_add_months_keeps_the_day_or_takes_the_month_end():
    assert add_months(D("2026-03-15"), 6) == D("2026-09-15")
    assert add_months(D("2026-08-31"), 6) == D("2027-02-28")
    assert add_months(D("2027-08-31"), 6) == D("2028-02-29")
    assert add_months(D("2026-12-01"), 12) == D("2027-12-01")


def test_a_filed_household_is_due_a_visit_six_months_after_the_last(tree):
    member(tree, 1)
    f = filed(tree, 1)  # verification visit 20 Sep 2026, filed 12 Oct 2026
    assert kinds(tree.jiceng, D("2027-03-01")) == {}  # due 20 Mar, 14 working days away
    due = kinds(tree.jiceng, D("2027-03-10"))[(f.pk, "visit_due")]
    assert due == (D("2027-03-20"), 7)  # 11, 12, 15–19 Mar; the 20th is a Saturday
    overdue = kinds(tree.jiceng, D("2027-03-24"))[(f.pk, "visit_due")]
    assert overdue == (D("2027-03-20"), -3)  # 22, 23, 24 Mar have passed
    files.record_visit(
        tree.jiceng, f, {"visited_on": "2026-11-20", "visitors": "王主席", "findings": "好转"}
    )
    assert (f.pk, "visit_due") not in kinds(tree.jiceng, D("2027-03-24"))


def test_the_notice_end_is_counted_over_national_day(tree):
    member(tree, 2)
    f = files.apply(tree.jiceng, file_data(2, applied_on="2026-09-01"))
    files.review(tree.jiceng, f, {"accepted": True, "reviewed_on": "2026-09-10"})
    files.record_visit(
        tree.jiceng, f, {"visited_on": "2026-09-20", "visitors": "王主席", "findings": "属实"}
    )
    files.start_notice(tree.jiceng, f, {"notice_from": "2026-09-29"})
    # 29, 30 Sep, 8, 9 Oct and Saturday 10 Oct (调休上班): filing from Monday 12 Oct.
    assert kinds(tree.xian, D("2026-09-30"))[(f.pk, "notice_ends")] == (D("2026-10-12"), 4)
    # The sibling county's staff see nothing of it.
    assert kinds(tree.other, D("2026-09-30")) == {}


def test_follow_up_ends_six_months_after_the_exit(tree):
    member(tree, 3)
    f = filed(tree, 3)
    files.start_exit(tree.jiceng, f, {"exit_notice_from": "2026-10-19", "note": "再就业"})
    f = files.confirm_exit(tree.jiceng, f, {"exited_on": "2026-10-26"})
    assert f.follow_up_until == D("2027-04-26")
    assert kinds(tree.jiceng, D("2027-04-19"))[(f.pk, "follow_up_ends")] == (D("2027-04-26"), 5)
