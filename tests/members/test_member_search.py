"""The member list's filters: one search box that recognises ID numbers, phones, member
numbers, pinyin and Chinese names, a union subtree filter, and the data scope throughout."""

from types import SimpleNamespace

import pytest
from django.utils import translation
from stdnum.cn import ric

from gonghui.members import services
from gonghui.members.filters import MembershipFilter, PersonFilter
from gonghui.members.models import Membership, Person
from gonghui.members.numbers import county_prefix, issue_member_numbers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are compared in English; the interface shows them in Chinese."""
    with translation.override("en"):
        yield


def make_id(prefix="510104", birth="19900215", seq="122"):
    body = prefix + birth + seq
    return body + ric.calc_check_digit(body + "0")


PEOPLE = {
    # name: (ID number, phone, union attribute on the tree, extra person data)
    "张三丰": (make_id(seq="011"), "13800000001", "grassroots", {}),
    "曾国藩": (make_id(seq="023"), "13800000002", "grassroots", {}),
    "单田芳": (
        make_id(seq="035"),
        "13800000003",
        "street",
        {"employment_form": "gig", "platform": "courier"},
    ),
    "解缙": (make_id(birth="19851231", seq="047"), "13800000004", "county", {}),
    "欧阳修": (make_id(prefix="510105", seq="059"), "13800000005", "sibling_grassroots", {}),
}


@pytest.fixture
def members(tree):
    """name → Membership, one current membership each."""
    made = {}
    for name, (number, phone, union_name, extra) in PEOPLE.items():
        person = services.create_person(
            tree.sheng, {"name": name, "id_number": number, "phone": phone, **extra}
        )
        union = getattr(tree, union_name)
        (member_number,) = issue_member_numbers(county_prefix(union))
        made[name] = Membership.objects.create(
            person=person, union=union, member_number=member_number, joined_on="2020-01-01"
        )
    return made


def member_filter(user, **params):
    request = SimpleNamespace(user=user)
    return MembershipFilter(params, queryset=Membership.objects.visible_to(user), request=request)


def found(user, **params):
    f = member_filter(user, **params)
    assert f.is_valid(), f.errors
    return sorted(m.person.name for m in f.qs)


def errors(user, **params):
    f = member_filter(user, **params)
    assert not f.is_valid()
    return f.errors


def test_no_parameters_list_every_visible_member(tree, members):
    assert found(tree.sheng) == sorted(PEOPLE)
    assert found(tree.sheng, q="  ") == sorted(PEOPLE)


@pytest.mark.parametrize(
    "typed",
    [
        make_id(seq="011"),
        " ".join([make_id(seq="011")[:6], make_id(seq="011")[6:14], make_id(seq="011")[14:]]),
        "".join(chr(ord(c) + 0xFEE0) for c in make_id(seq="011")),  # full-width digits
    ],
)
def test_exact_id_number(tree, members, typed):
    assert found(tree.sheng, q=typed) == ["张三丰"]


def test_id_number_with_lower_case_x(tree, root_admin):
    number = next(n for n in (make_id(seq=f"{s:03d}") for s in range(100, 200)) if n[-1] == "X")
    person = services.create_person(root_admin, {"name": "王五", "id_number": number})
    Membership.objects.create(
        person=person,
        union=tree.grassroots,
        member_number="5101040000009999",
        joined_on="2020-01-01",
    )
    assert found(tree.sheng, q=number.lower()) == ["王五"]
    assert found(tree.sheng, q=f" {number[:-1]} x ") == ["王五"]


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        (make_id(seq="011")[:-1] + ("0" if make_id(seq="011")[-1] != "0" else "1"), "check digit"),
        ("5.10104E+17", "Excel"),
        ("51010419900215011", "18 characters"),
        ("510104900215011", "15-digit"),
    ],
)
def test_a_bad_id_number_is_an_error_on_q(tree, members, typed, why):
    assert why in " ".join(errors(tree.sheng, q=typed)["q"])


def test_the_error_reads_in_chinese_on_the_web(tree, members):
    with translation.override("zh-hans"):
        assert errors(tree.sheng, q="51010419900215011")["q"] == [
            "身份证号码应为 18 位，此号码为 17 位。"
        ]


def test_phone_number(tree, members):
    assert found(tree.sheng, q="138 0000 0003") == ["单田芳"]
    assert found(tree.sheng, q="+8613800000003") == ["单田芳"]
    assert found(tree.sheng, q="13900000003") == []


def test_member_number(tree, members):
    number = members["曾国藩"].member_number
    assert len(number) == 16
    assert found(tree.sheng, q=number) == ["曾国藩"]
    assert found(tree.sheng, q=f"{number[:6]} {number[6:]}") == ["曾国藩"]


@pytest.mark.parametrize(
    ("typed", "names"),
    [
        ("zsf", ["张三丰"]),
        ("ZSF", ["张三丰"]),
        ("zhangsan", ["张三丰"]),
        ("zhang", ["张三丰"]),
        ("zgf", ["曾国藩"]),
        ("zengguofan", ["曾国藩"]),
        ("cgf", []),  # 曾 as a surname is zeng, not ceng
        ("stf", ["单田芳"]),
        ("shantian", ["单田芳"]),
        ("dtf", []),  # 单 as a surname is shan, not dan
        ("xj", ["解缙"]),
        ("xiejin", ["解缙"]),
        ("jj", []),
        ("oyx", ["欧阳修"]),
        ("ouyang", ["欧阳修"]),
        ("z", ["张三丰", "曾国藩"]),
    ],
)
def test_pinyin_and_initials(tree, members, typed, names):
    assert found(tree.sheng, q=typed) == names


def test_chinese_substring(tree, members):
    assert found(tree.sheng, q="三丰") == ["张三丰"]
    assert found(tree.sheng, q="国") == ["曾国藩"]
    assert found(tree.sheng, q=" 欧阳 ") == ["欧阳修"]
    assert found(tree.sheng, q="李") == []


def test_union_filter_takes_the_whole_subtree(tree, members):
    assert found(tree.sheng, union=tree.grassroots.code) == ["张三丰", "曾国藩"]
    assert found(tree.sheng, union=tree.street.code) == ["单田芳", "张三丰", "曾国藩"]
    assert found(tree.sheng, union=tree.county.code) == ["单田芳", "张三丰", "曾国藩", "解缙"]
    assert found(tree.sheng, union=tree.sibling.code) == ["欧阳修"]
    assert found(tree.sheng, union=tree.city.code, q="zsf") == ["张三丰"]
    assert "q" not in errors(tree.sheng, union="9999999999")
    assert "union" in errors(tree.sheng, union="9999999999")


def test_status_employment_form_and_platform(tree, members):
    m = members["解缙"]
    Membership.objects.filter(pk=m.pk).update(status="left", ended_on="2024-06-30")
    assert found(tree.sheng, status="left") == ["解缙"]
    assert "解缙" not in found(tree.sheng, status="active")
    assert found(tree.sheng, employment_form="gig") == ["单田芳"]
    assert found(tree.sheng, platform="courier") == ["单田芳"]
    assert found(tree.sheng, platform="truck") == []
    for field in ("status", "employment_form", "platform"):
        assert field in errors(tree.sheng, **{field: "nonsense"})


def test_scope_hides_the_sibling_branch_even_by_exact_number(tree, members):
    sibling = members["欧阳修"]
    assert "欧阳修" not in found(tree.xian)
    assert found(tree.xian, q=PEOPLE["欧阳修"][0]) == []
    assert found(tree.xian, q=PEOPLE["欧阳修"][1]) == []
    assert found(tree.xian, q=sibling.member_number) == []
    assert found(tree.xian, q="oyx") == []
    assert found(tree.xian, q="欧阳修") == []
    assert "union" in errors(tree.xian, union=tree.sibling.code)
    assert "union" in errors(tree.xian, union=tree.sibling_grassroots.code)
    # The grassroots user sees their own union only, not the street or county above it.
    assert found(tree.jiceng) == ["张三丰", "曾国藩"]
    assert "union" in errors(tree.jiceng, union=tree.county.code)
    # The sibling's user sees only their own.
    assert found(tree.other, q=PEOPLE["张三丰"][0]) == []
    assert found(tree.other) == ["欧阳修"]


def test_no_user_sees_nothing(tree, members):
    f = MembershipFilter(
        {"q": "zsf"},
        queryset=Membership.objects.visible_to(None),
        request=SimpleNamespace(user=None),
    )
    assert f.is_valid() and list(f.qs) == []


def person_filter(user, **params):
    return PersonFilter(
        params, queryset=Person.objects.visible_to(user), request=SimpleNamespace(user=user)
    )


def test_person_filter_shares_the_search(tree, members):
    f = person_filter(tree.xian, q=PEOPLE["解缙"][0].lower())
    assert f.is_valid() and [p.name for p in f.qs] == ["解缙"]
    assert [p.name for p in person_filter(tree.xian, q="zgf").qs] == ["曾国藩"]
    assert [p.name for p in person_filter(tree.xian, q="13800000003").qs] == ["单田芳"]
    assert [p.name for p in person_filter(tree.xian, platform="courier").qs] == ["单田芳"]
    assert list(person_filter(tree.xian, q=PEOPLE["欧阳修"][0]).qs) == []
    # No member numbers here: sixteen digits are a short ID number.
    f = person_filter(tree.xian, q=members["张三丰"].member_number)
    assert not f.is_valid() and "18 characters" in " ".join(f.errors["q"])
