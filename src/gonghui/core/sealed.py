"""A person's numbers as stored (DESIGN rule 2): encrypted to show to those allowed,
blind-indexed where they are looked up or kept unique, masked for everyone else. One spec
per kind, so the columns of an ID number, a phone number and a bank card are written the
same way wherever a service writes them."""

from collections.abc import Callable
from dataclasses import dataclass

from gonghui.core import crypto
from gonghui.lib.identity import mask_card, mask_id, mask_phone


@dataclass(frozen=True)
class Sealed:
    prefix: str  # the columns are <prefix>_encrypted, <prefix>_index, <prefix>_masked
    mask: Callable[[str], str]
    indexed: bool  # looked up exactly or kept unique: a keyed hash beside the ciphertext

    def columns(self, value, prefix=None):
        """The stored columns of a checked `value` ("" for none: no ciphertext, no index)."""
        prefix = prefix or self.prefix
        found = {
            f"{prefix}_encrypted": crypto.encrypt(value) if value else None,
            f"{prefix}_masked": self.mask(value) if value else "",
        }
        if self.indexed:
            found[f"{prefix}_index"] = crypto.blind_index(value) if value else ""
        return found

    def apply(self, obj, value, prefix=None):
        """Set the columns on `obj`; returns their names (for `save(update_fields=...)`)."""
        columns = self.columns(value, prefix)
        for name, stored in columns.items():
            setattr(obj, name, stored)
        return list(columns)

    def index(self, value):
        return crypto.blind_index(value)

    def reveal(self, blob):
        """The whole number of a ciphertext column ("" for none): the caller logs the view."""
        return crypto.decrypt(blob) if blob else ""


ID_NUMBER = Sealed("id_number", mask_id, indexed=True)
PHONE = Sealed("phone", mask_phone, indexed=True)
BANK_CARD = Sealed("bank_card", mask_card, indexed=False)


def id_number_fields(number):
    """The stored columns of a checked ID number."""
    return ID_NUMBER.columns(number)
