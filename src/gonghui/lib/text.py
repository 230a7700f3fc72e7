"""Normalising what people type or paste (DESIGN rule 3)."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def to_halfwidth(value: str) -> str:
    """Full-width digits, letters and punctuation (１２３ＡＢ) to their ASCII forms."""
    return unicodedata.normalize("NFKC", value)


def compact_code(value) -> str:
    """A code as typed: half-width, no spaces of any kind, upper case."""
    return _SPACES.sub("", to_halfwidth(str(value or ""))).upper()


def clean_text(value) -> str:
    """Free text: half-width spaces collapsed, ends trimmed (the characters stay as typed)."""
    return _SPACES.sub(" ", str(value or "").replace("\u3000", " ")).strip()
