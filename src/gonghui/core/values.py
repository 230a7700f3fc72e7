"""Reading what a user gave (form, API, pasted list) into checked values.

Each reader adds field errors to an `Errors` and returns a usable value or None, so one
answer names every wrong field. Dates and amounts arrive as objects from forms and as
text from the API and pasted lists; both are accepted.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.validation import Errors
from gonghui.lib.identity import check_bank_card, check_id_number
from gonghui.lib.text import clean_text, compact_code, to_halfwidth

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")


def today():
    return timezone.localdate()


def text(data, field, errors, *, required=False, max_length=200):
    value = clean_text(data.get(field))
    if required and not value:
        errors.add(field, _("This field is required."))
    elif len(value) > max_length:
        errors.add(
            field,
            _("At most %(max)d characters; this has %(n)d.") % {"max": max_length, "n": len(value)},
        )
    return value


def choice(data, field, choices, errors, *, required=True):
    value = data.get(field) or ""
    if not value:
        if required:
            errors.add(field, _("This field is required."))
        return ""
    if value not in choices.values:
        errors.add(field, _("Choose one of the listed values."))
        return ""
    return value


def choices_list(data, field, choices, errors):
    values = data.get(field) or []
    if isinstance(values, str):
        values = [v for v in values.replace("，", ",").split(",") if v.strip()]
    if not isinstance(values, list | tuple):  # an API client's number or object
        errors.add(field, _("Choose among the listed values."))
        return []
    bad = [v for v in values if v not in choices.values]
    if bad:
        errors.add(field, _("Choose among the listed values."))
        return []
    return list(dict.fromkeys(values))


def date(data, field, errors, *, required=True, default=None, not_future=True):
    value = data.get(field)
    if value in (None, ""):
        if required and default is None:
            errors.add(field, _("This field is required."))
        return default
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(to_halfwidth(str(value)).strip())
        except ValueError:
            errors.add(field, _("Enter a date such as 2026-10-08."))
            return None
    if not_future and value > today():
        errors.add(field, _("This date is in the future."))
        return None
    return value


def money(data, field, errors, *, required=False, default=None):
    """Yuan as Decimal with fen; refuses negatives, text and more than two decimals."""
    value = data.get(field)
    if value in (None, ""):
        if required:
            errors.add(field, _("This field is required."))
        return default
    if isinstance(value, float):
        value = repr(value)  # a spreadsheet's 1200.5 reads as written, not as binary
    try:
        amount = Decimal(compact_code(str(value)).replace(",", "").removesuffix("元"))
    except InvalidOperation:
        errors.add(field, _("Enter an amount in yuan, such as 1200 or 1200.50."))
        return None
    if not amount.is_finite():
        errors.add(field, _("Enter an amount in yuan, such as 1200 or 1200.50."))
        return None
    if amount < 0:
        errors.add(field, _("An amount cannot be negative."))
        return None
    if amount != amount.quantize(CENT):
        errors.add(field, _("An amount has at most two decimals (fen)."))
        return None
    if amount > MAX_AMOUNT:
        errors.add(field, _("This amount is too large."))
        return None
    return amount.quantize(CENT)


def id_number(data, field, errors):
    try:
        return check_id_number(data.get(field), field=field)
    except ValidationError as e:
        for message in e.message_dict[field]:
            errors.add(field, message)
        return None


def bank_card(data, field, errors):
    try:
        return check_bank_card(data.get(field), field=field)
    except ValidationError as e:
        for message in e.message_dict[field]:
            errors.add(field, message)
        return ""


def whole_number(data, field, errors, *, default, minimum, maximum=None):
    value = data.get(field)
    if value in (None, ""):
        return default
    try:
        number = int(str(value).strip())
    except ValueError:
        errors.add(field, _("Enter a whole number."))
        return None
    if number < minimum:
        errors.add(field, _("At least %(n)d.") % {"n": minimum})
        return None
    if maximum is not None and number > maximum:
        errors.add(field, _("At most %(n)d.") % {"n": maximum})
        return None
    return number


def period(start=None, end=None):
    """The period asked for (dates, or text such as 2026-01-01); by default this year to
    date. Both ends are included."""
    errors = Errors()
    now = today()
    data = {"start": start, "end": end}
    first = date(data, "start", errors, default=now.replace(month=1, day=1), not_future=False)
    last = date(data, "end", errors, default=now, not_future=False)
    if first and last and last < first:
        errors.add("end", _("The end date comes before the start date."))
    errors.raise_if_any()
    return first, last


class Prefixed:
    """An Errors that files every message under `prefix` + field (a household row)."""

    def __init__(self, errors, prefix):
        self.errors, self.prefix = errors, prefix

    def add(self, field, message):
        self.errors.add(f"{self.prefix}{field}", message)
