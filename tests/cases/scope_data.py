"""Scope-walk data of the cases app, built through its services by the sibling county's
staff: a case under way with an action (a letter awaiting the employer's reply) and a
concluded one waiting for its call back."""

from gonghui.cases import services
from gonghui.cases.workflow import CASE

ORDER = 50


def build(tree, root_admin, found):
    actor = tree.other
    case = services.take(
        actor,
        {"channel": "hotline", "kind": "complaint", "subject": "wages",
         "caller_name": "乙方来电人", "phone": "13700009001", "employer_name": "乙方拖欠工资公司",
         "workers": "3", "amount_claimed": "15000", "request": "乙方诉求内容",
         "received_on": "2026-11-02"},
    )  # fmt: skip
    services.start_handling(actor, case, {})
    letter = services.record_action(
        actor, case, {"kind": "reminder_letter", "taken_on": "2026-11-03", "text": "乙方提示函"}
    )
    done = services.take(
        actor,
        {"channel": "walk_in", "kind": "consultation", "subject": "contract",
         "caller_name": "乙方咨询人", "phone": "02886120001", "request": "乙方咨询内容",
         "received_on": "2026-11-02"},
    )  # fmt: skip
    services.start_handling(actor, done, {})
    services.conclude(
        actor, done, {"outcome": "resolved", "answer": "乙方答复内容", "concluded_on": "2026-11-03"}
    )
    found.add(
        [case, done, letter],
        ["乙方来电人", "乙方拖欠工资公司", "乙方诉求内容", "乙方提示函", "乙方咨询人",
         "乙方咨询内容", "乙方答复内容", case.number, done.number, case.phone_masked],
        step=[t.name for t in CASE],
    )  # fmt: skip
