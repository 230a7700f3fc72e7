"""Social-credit codes (GB 32100) and the normalising of typed input."""

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import ValidationError as StdnumError

from gonghui.core.validation import NeedsConfirmation, confirm_or_raise
from gonghui.lib.identity import USCC_ALPHABET, check_uscc
from gonghui.lib.text import clean_text, compact_code, to_halfwidth


def with_check(base17):
    return base17 + stdnum_uscc.calc_check_digit(base17)


VALID = [
    with_check("91510104MA6C5Q8L0"),  # a company
    with_check("91510105MA62XK3T4"),
    with_check("12510000450712345"),  # a public institution
    with_check("81510100MC1234567"),  # a union legal person (工会法人)
]
# Registration authorities with letter codes: GB 32100 allows them, stdnum refuses them.
LETTER_LEADING = [with_check("Y1510104MA6C5Q8L0"), with_check("A1510104MA6C5Q8L0")]


def full_width(text):
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@pytest.mark.parametrize("code", VALID)
def test_valid_codes_pass_without_warning(code):
    assert check_uscc(code) == (code, None)


@pytest.mark.parametrize("code", LETTER_LEADING)
def test_letter_leading_codes_are_checked_by_our_checksum(code):
    with pytest.raises(StdnumError):
        stdnum_uscc.validate(code)  # the reason we do not call stdnum's validate
    assert check_uscc(code) == (code, None)
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    normalised, warning = check_uscc(wrong)
    assert normalised == wrong
    assert warning and wrong in warning


@pytest.mark.parametrize(
    "typed",
    [
        " 91510104ma6c5q8l0m ",
        "91510104 MA6C 5Q8L 0M",
        "9151\u30000104MA6C5Q8L0M",
        "\t91510104MA6C5Q8L0M\n",
        full_width("91510104MA6C5Q8L0M"),
        full_width("91510104ma6c5q8l0m"),
        "９１５１０１０４ＭＡ６Ｃ５Ｑ８Ｌ０Ｍ",
    ],
)
def test_typed_forms_are_normalised(typed):
    assert VALID[0] == "91510104MA6C5Q8L0M"
    assert check_uscc(typed) == ("91510104MA6C5Q8L0M", None)


def test_failed_checksum_is_a_warning_not_an_error():
    code = VALID[0][:-1] + "1"
    normalised, warning = check_uscc(code)
    assert normalised == code
    assert warning and code in warning


@pytest.mark.parametrize("code", ["9151010", VALID[0][:-1], VALID[0] + "0", "0" * 20])
def test_wrong_length_is_an_error(code):
    with pytest.raises(ValidationError) as exc:
        check_uscc(code)
    [message] = exc.value.message_dict["uscc"]
    assert str(len(code)) in message


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_letters_left_out_of_the_alphabet_are_errors(letter):
    assert letter not in USCC_ALPHABET
    code = VALID[0][:8] + letter + VALID[0][9:]
    with pytest.raises(ValidationError) as exc:
        check_uscc(code)
    [message] = exc.value.message_dict["uscc"]
    assert letter in message


def test_punctuation_is_an_error():
    with pytest.raises(ValidationError):
        check_uscc(VALID[0][:8] + "-" + VALID[0][9:])


def test_error_uses_the_given_field_name():
    with pytest.raises(ValidationError) as exc:
        check_uscc("123", field="employer_uscc")
    assert set(exc.value.message_dict) == {"employer_uscc"}


@pytest.mark.parametrize("blank", ["", None, "   ", "\u3000"])
def test_blank_is_no_code(blank):
    assert check_uscc(blank) == ("", None)


def test_alphabet_is_gb32100s():
    assert len(USCC_ALPHABET) == 31
    assert USCC_ALPHABET == set("0123456789ABCDEFGHJKLMNPQRTUWXY")


# --- text ---------------------------------------------------------------------------------


def test_to_halfwidth():
    assert to_halfwidth("１２３ＡＢｃ（）") == "123ABc()"
    assert to_halfwidth("工会") == "工会"


def test_compact_code():
    assert compact_code(" ab\u3000１２ c\t") == "AB12C"
    assert compact_code(None) == ""
    assert compact_code(510104) == "510104"


def test_clean_text_keeps_characters_but_tidies_spaces():
    assert clean_text("  成都\u3000\u3000春熙   百货\n工会 ") == "成都 春熙 百货 工会"
    assert clean_text(None) == ""
    assert clean_text("ＡＢ") == "ＡＢ"  # characters stay as typed


# --- confirmations ------------------------------------------------------------------------


def test_confirm_or_raise():
    confirm_or_raise({}, False)
    confirm_or_raise({"uscc": None}, False)  # no message, nothing to confirm
    confirm_or_raise({"uscc": "check failed"}, True)
    with pytest.raises(NeedsConfirmation) as exc:
        confirm_or_raise({"uscc": "check failed", "name": None}, False)
    assert set(exc.value.error_dict) == {"uscc"}
    [error] = exc.value.error_dict["uscc"]
    assert error.code == "confirm"
    assert error.messages == ["check failed"]
    assert isinstance(exc.value, ValidationError)
