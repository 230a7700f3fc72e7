"""Identity numbers: the unified social-credit code (统一社会信用代码, GB 32100).

ID-card numbers (GB 11643) join this module with the member registry.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import uscc as stdnum_uscc

from gonghui.core.text import compact_code

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
