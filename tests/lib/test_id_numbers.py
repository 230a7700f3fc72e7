"""ID-card numbers (GB 11643): normalised, checksummed, with a real birth date and a
division prefix that exists now or existed once. Masking and derived facts."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import ric

from gonghui.lib.identity import check_id_number, id_birth_date, id_sex, mask_id, mask_phone

TODAY = datetime.date(2026, 11, 23)


def make_id(prefix="510104", birth="19900101", seq="123"):
    body = prefix + birth + seq
    return body + ric.calc_check_digit(body + "0")


def refused(value, *words):
    with pytest.raises(ValidationError) as e:
        check_id_number(value, today=TODAY)
    message = e.value.message_dict["id_number"][0]
    for word in words:
        assert word in message, message
    return message


pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "number",
    [
        make_id(),  # 锦江区, current
        make_id("512200", "19850612", "011"),  # 万县地区: retired in 1992, real people
        make_id("500101", "19800301", "452"),  # a 5001xx code born before 重庆 became 直辖市
        make_id("500105", "20001231", "998"),  # 江北区, retired in the data since
        make_id("110101", "19000101", "001"),  # the earliest birth date accepted
    ],
)
def test_real_numbers_pass(number):
    assert check_id_number(number, today=TODAY) == number


def test_input_is_normalised():
    number = make_id(seq="129")
    fullwidth = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    assert check_id_number(fullwidth, today=TODAY) == number
    spaced = f" {number[:6]} {number[6:14]}\u3000{number[14:]} "
    assert check_id_number(spaced, today=TODAY) == number


def test_lower_case_x_is_accepted():
    # Find a sequence whose check character is X, then type it in lower case.
    number = next(n for n in (make_id(seq=f"{i:03d}") for i in range(200)) if n[-1] == "X")
    assert check_id_number(number.lower(), today=TODAY) == number


@pytest.mark.parametrize("value", ["5.10105E+17", "5.10104199001E+17", "5.10105e17"])
def test_excel_scientific_notation_is_explained(value):
    refused(value, "Excel")


def test_wrong_checksum():
    number = make_id()
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    refused(wrong, "校验")


@pytest.mark.parametrize("birth", ["19900230", "19901301", "20230229"])
def test_impossible_birth_date(birth):
    refused(make_id(birth=birth), birth)


def test_birth_in_the_future():
    refused(make_id(birth="20261124"), "未来")


def test_birth_before_1900():
    refused(make_id(birth="18991231"), "1900")


@pytest.mark.parametrize("prefix", ["999999", "510199", "000000"])
def test_unknown_region_prefix(prefix):
    refused(make_id(prefix=prefix), prefix)


@pytest.mark.parametrize(
    ("value", "word"),
    [
        ("", "必填"),
        ("51010419900101", "14"),
        ("510104900101123", "15"),
        ("51010419900101123A", "X"),
    ],
)
def test_malformed(value, word):
    refused(value, word)


def test_the_field_is_named_as_the_caller_says():
    with pytest.raises(ValidationError) as e:
        check_id_number("123", field="members.0.id_number", today=TODAY)
    assert list(e.value.message_dict) == ["members.0.id_number"]


def test_derived_facts_and_masks():
    number = make_id(birth="19900215", seq="122")
    assert id_birth_date(number) == datetime.date(1990, 2, 15)
    assert id_sex(number) == "female"  # 17th digit 2: even
    assert id_sex(make_id(seq="131")) == "male"
    assert mask_id(number) == f"510104********{number[-4:]}"
    assert len(mask_id(number)) == 18
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id("") == ""
