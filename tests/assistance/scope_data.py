"""Scope-walk data of the assistance app, built through its services by the sibling
county's staff: a filed household with a spouse and a visit, a file still under review
(it has a reminder due), a payment and a campaign with an allocation below."""

from stdnum.cn import ric

from gonghui.assistance.services import campaigns, files, records
from gonghui.assistance.workflow import HARDSHIP_FILE
from gonghui.members import services as members

ORDER = 40


def _id(seq, birth="19790405"):
    body = "510105" + birth + seq
    return body + ric.calc_check_digit(body + "0")


def _head(root_admin, union, name, seq):
    application = members.submit_application(
        {"name": name, "id_number": _id(seq), "phone": f"1370000{seq}0",
         "union": union.code},
        consent=True,
    )  # fmt: skip
    return members.approve_application(root_admin, application).membership.person


def _file(actor, head, spouse_name, seq):
    """A file for `head` (a member made by _head with the same seq)."""
    return files.apply(
        actor,
        {"head_id_number": _id(seq), "category": "deep", "standard_level": "city",
         "main_cause": "illness", "situation": "乙方困难情况说明。", "housing": "rented",
         "medical_insurance": "employee", "bank_name": "中国农业银行",
         "bank_card": "6228480402564890026", "head_work": "employed", "head_income": "2100",
         "head_health": "healthy", "applied_on": "2026-09-01",
         "household": [
             {"relation": "spouse", "name": spouse_name, "id_number": _id(seq, "19810607"),
              "work": "unable", "monthly_income": "0", "health": "serious"},
         ]},
    )  # fmt: skip


def build(tree, root_admin, found):
    actor = tree.other
    union = tree.sibling_grassroots
    filed = _file(actor, _head(root_admin, union, "乙方困难户甲", "331"), "乙方家属甲", "331")
    files.review(actor, filed, {"accepted": True, "reviewed_on": "2026-09-10"})
    visit = files.record_visit(
        actor,
        filed,
        {"visited_on": "2026-09-20", "visitors": "乙方走访人", "findings": "乙方走访情况"},
    )
    files.start_notice(actor, filed, {"notice_from": "2026-09-29"})
    filed = files.file_household(actor, filed, {"filed_on": "2026-10-12"})
    pending = _file(actor, _head(root_admin, union, "乙方困难户乙", "332"), "乙方家属乙", "332")
    record = records.record(
        actor,
        {"file": filed.pk, "name": "乙方困难户甲", "id_number": _id("331"),
         "kind": "living", "amount": "300", "given_on": "2026-11-02", "note": "乙方帮扶说明"},
    )  # fmt: skip
    campaign = campaigns.create(
        actor,
        {"union": tree.sibling.pk, "name": "乙方金秋助学", "season": "autumn",
         "budget": "5000", "starts_on": "2026-09-01", "ends_on": "2026-12-31"},
    )  # fmt: skip
    allocation = campaigns.allocate(
        actor, campaign, {"union": union.pk, "budget": "1000", "name": "乙方下拨活动"}
    )
    found.add(
        [filed, pending, visit, record, campaign, allocation],
        ["乙方困难户甲", "乙方困难户乙", "乙方家属甲", "乙方家属乙", "乙方走访人", "乙方走访情况",
         "乙方帮扶说明", "乙方金秋助学", "乙方下拨活动", filed.head.id_number_masked],
        step=[t.name for t in HARDSHIP_FILE],
    )  # fmt: skip
    found.add(list(filed.household.all()) + list(pending.household.all()))
