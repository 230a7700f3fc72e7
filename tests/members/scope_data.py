"""Scope-walk data of the members app: a member, an applicant, a transfer and a reveal of
the sibling county."""

from django.contrib.auth.models import Permission
from stdnum.cn import ric

from gonghui.accounts.models import User
from gonghui.members import services

ORDER = 30


def _id(seq):
    body = "510105" + "19880808" + seq
    return body + ric.calc_check_digit(body + "0")


SIBLING_ID, SIBLING_ID_2 = _id("111"), _id("222")  # would end the session the walk runs in


def build(tree, root_admin, found):
    member = services.submit_application(
        {"name": "乙方会员甲", "id_number": SIBLING_ID, "phone": "13600000001",
         "union": tree.sibling_grassroots.code},
        consent=True,
    )  # fmt: skip
    member = services.approve_application(root_admin, member).membership
    applicant = services.submit_application(
        {"name": "乙方申请人乙", "id_number": SIBLING_ID_2, "phone": "13600000002",
         "union": tree.sibling_grassroots.code},
        consent=True,
    )  # fmt: skip
    transfer = services.request_transfer(root_admin, member, found.second_union.code)
    tree.other.user_permissions.add(
        Permission.objects.get(content_type__app_label="accounts", codename="reveal_id_number")
    )
    other = User.objects.get(pk=tree.other.pk)
    services.reveal(other, member.person, "id_number", "乙方查看原因")
    found.member = member
    found.add(
        [member, member.person, applicant, transfer],
        ["乙方会员甲", "乙方申请人乙", member.member_number, applicant.number,
         member.person.id_number_masked, applicant.id_number_masked, "乙方查看原因"],
    )  # fmt: skip
