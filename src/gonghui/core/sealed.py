"""The stored columns of a person's numbers (DESIGN rule 2)."""

from gonghui.core import crypto
from gonghui.lib.identity import mask_id


def id_number_fields(number):
    """The stored columns of a checked ID number (DESIGN rule 2): encrypted to show to
    those allowed, blind-indexed to find and keep unique, masked for everyone else."""
    return {
        "id_number_encrypted": crypto.encrypt(number),
        "id_number_index": crypto.blind_index(number),
        "id_number_masked": mask_id(number),
    }
