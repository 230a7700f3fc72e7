"""Households for the hardship tests: members of the fixture tree and their files."""

import datetime as dt

from stdnum.cn import ric

from gonghui.assistance.services import files
from gonghui.members import services as members

D = dt.date.fromisoformat


def make_id(seq, birth="19800308", prefix="510104"):
    body = prefix + birth + f"{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def member(tree, seq, name="曾小凡", union=None):
    """A current member of the fixture tree's grassroots union (or `union`)."""
    union = union or tree.grassroots
    application = members.submit_application(
        {"name": name, "id_number": make_id(seq), "phone": f"139{seq:08d}",
         "union": union.code},
        consent=True,
    )  # fmt: skip
    approver = tree.jiceng if union == tree.grassroots else tree.sheng
    return members.approve_application(approver, application).membership.person


def file_data(head_seq, household=(), **extra):
    """What a user submits to open a file for the member with ID make_id(head_seq)."""
    return {
        "head_id_number": make_id(head_seq),
        "category": "deep",
        "standard_level": "city",
        "main_cause": "illness",
        "other_causes": ["schooling"],
        "situation": "妻子患尿毒症长期透析，孩子在读高中。",
        "housing": "rented",
        "medical_insurance": "employee",
        "bank_name": "中国农业银行",
        "bank_card": "6228480402564890018",
        "head_work": "employed",
        "head_income": "2600",
        "head_health": "healthy",
        "household": [
            {
                "relation": "spouse",
                "name": "李秀英",
                "id_number": make_id(head_seq + 500, birth="19820511"),
                "work": "unable",
                "monthly_income": "0",
                "health": "serious",
            },
            {
                "relation": "child",
                "name": "曾子涵",
                "id_number": make_id(head_seq + 600, birth="20080901"),
                "work": "student",
                "monthly_income": "0",
                "health": "healthy",
            },
            *household,
        ],
        **extra,
    }


def filed(tree, head_seq, actor=None, on="2026-10-12"):
    """A file taken through application, review, visit and notice to filed on `on`
    (notice from 29 Sep 2026, across National Day)."""
    actor = actor or tree.jiceng
    f = files.apply(actor, file_data(head_seq, applied_on="2026-09-01"))
    files.review(actor, f, {"accepted": True, "reviewed_on": "2026-09-10"})
    files.record_visit(actor, f, {"visited_on": "2026-09-20", "visitors": "王主席、刘干事",
                                  "findings": "情况属实"})  # fmt: skip
    files.start_notice(actor, f, {"notice_from": "2026-09-29"})
    return files.file_household(actor, f, {"filed_on": on})
