"""Identity numbers: ID-card numbers (公民身份号码, GB 11643) and unified social-credit
codes (统一社会信用代码, GB 32100), normalised and checked as DESIGN rule 3 says."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import ric as stdnum_ric
from stdnum.cn import uscc as stdnum_uscc

from gonghui.lib.text import compact_code, to_halfwidth

# What Excel shows after turning an 18-digit ID into a number: 5.10105E+17, 5.10105e17.
EXCEL_NUMBER = re.compile(r"^\d(\.\d+)?E\+?\d+$")
ID_PATTERN = re.compile(r"^\d{17}[\dX]$")
EARLIEST_BIRTH = datetime.date(1900, 1, 1)


# Where the six-digit division codes come from: the regions app registers its table
# (a lower layer may not import a higher one). Until it does, no prefix is known.
_prefix_source = None
_region_prefixes = frozenset()


def set_region_prefix_source(source):
    """`source()` returns every six-digit division code, current or retired: a retired
    code is still on the ID cards of the people born there (a 5001xx code before 1997)."""
    global _prefix_source
    _prefix_source = source
    forget_region_prefixes()


def known_region_prefixes():
    """The codes of the registered source, read once per process (an empty answer is not
    remembered); `gonghui regions load` resets them."""
    global _region_prefixes
    if not _region_prefixes and _prefix_source is not None:
        _region_prefixes = frozenset(_prefix_source())
    return _region_prefixes


def forget_region_prefixes():
    global _region_prefixes
    _region_prefixes = frozenset()


def check_id_number(value, field="id_number", today=None):
    """Normalise an 18-digit ID-card number and check it; return it or raise ValidationError.

    The checksum comes from python-stdnum; the birth date and the region prefix we check
    ourselves, because stdnum's validate wants the region to have existed in the birth
    year and refuses real numbers (see DESIGN, known traps).
    """

    def error(message):
        return ValidationError({field: message}, code="invalid")

    raw = to_halfwidth(str(value or "")).strip()
    if EXCEL_NUMBER.match(raw.upper().replace(" ", "")):
        raise error(
            _(
                "%(value)s is what Excel shows after turning an ID number into a number; "
                "the last digits are lost. Format the column as text and type the number again."
            )
            % {"value": raw}
        )
    number = compact_code(raw)
    if not number:
        raise error(_("This field is required."))
    if len(number) == 15 and number.isdigit():
        raise error(_("This is a 15-digit first-generation number; enter the 18-digit one."))
    if len(number) != 18:
        raise error(_("An ID number has 18 characters; this one has %(n)d.") % {"n": len(number)})
    if not ID_PATTERN.match(number):
        raise error(_("An ID number is 17 digits followed by a digit or X."))
    if stdnum_ric.calc_check_digit(number) != number[-1]:
        raise error(_("The check digit does not match: a digit may be mistyped."))
    try:
        birth = id_birth_date(number)
    except ValueError:
        raise error(
            _("The birth date in the number, %(date)s, does not exist.") % {"date": number[6:14]}
        ) from None
    if birth > (today or timezone.localdate()):
        raise error(_("The birth date in the number lies in the future."))
    if birth < EARLIEST_BIRTH:
        raise error(_("The birth date in the number is before 1900."))
    if number[:6] not in known_region_prefixes():
        raise error(
            _("%(code)s is not a division code, current or retired.") % {"code": number[:6]}
        )
    return number


def id_birth_date(number):
    return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def id_sex(number):
    """ "male" or "female": the 17th digit is odd for men."""
    return "male" if int(number[16]) % 2 else "female"


def mask_id(number):
    """510105********123X: region and last four shown, birth date hidden."""
    return f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}" if number else ""


def mask_phone(phone):
    """138****5678."""
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 8 else "*" * len(phone)


# GB 32100 leaves out I, O, S, V and Z so they are not misread.
USCC_ALPHABET = frozenset("0123456789ABCDEFGHJKLMNPQRTUWXY")


def check_uscc(value, field="uscc"):
    """Normalise a social-credit code; return (code, warning).

    A wrong length or character is an error. A failed checksum is only a warning:
    early pilot codes are still legal and fail it, so the user confirms instead.
    We check the checksum ourselves because stdnum's validate refuses codes that
    begin with letters, which GB 32100 allows.
    """
    code = compact_code(value)
    if not code:
        return "", None
    if len(code) != 18:
        raise ValidationError(
            {
                field: _("A social-credit code has 18 characters; this one has %(n)d.")
                % {"n": len(code)}
            },
            code="invalid",
        )
    bad = sorted({c for c in code if c not in USCC_ALPHABET})
    if bad:
        raise ValidationError(
            {
                field: _("A social-credit code cannot contain %(chars)s.")
                % {"chars": "、".join(bad)}
            },
            code="invalid",
        )
    if stdnum_uscc.calc_check_digit(code) != code[-1]:
        return code, _(
            "The check character of social-credit code %(code)s does not match. Early pilot "
            "codes can fail this check and still be legal: confirm it against the certificate."
        ) % {"code": code}
    return code, None


def check_bank_card(value, field="bank_card"):
    """Normalise a bank card number (银行卡号): 12 to 19 digits. No Luhn check: many
    Chinese debit cards (and every 存折 account number) do not carry one."""
    card = compact_code(value).replace("-", "")
    if card and not (card.isdigit() and 12 <= len(card) <= 19):
        raise ValidationError({field: _("A bank card number has 12 to 19 digits.")}, code="invalid")
    return card


def mask_card(card):
    """6222 **** **** 1234: bank and last four shown."""
    return f"{card[:4]} **** **** {card[-4:]}" if card else ""
