"""One word for each thing in the interface (core/glossary.py): no variant in the Chinese
catalogue, the templates or the Chinese literals of the exports."""

from pathlib import Path

import polib

import gonghui
from gonghui.core.glossary import TERMS

ROOT = Path(gonghui.__file__).parent


def texts():
    po = polib.pofile(str(ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"))
    for entry in po:
        for text in (entry.msgstr, *entry.msgstr_plural.values()):
            yield f"django.po: {entry.msgid[:40]}", text
    for path in ROOT.rglob("*.html"):
        yield str(path.relative_to(ROOT)), path.read_text()
    for path in ROOT.rglob("export*.py"):
        yield str(path.relative_to(ROOT)), path.read_text()


def test_no_variant_of_a_glossary_term_is_used():
    found = [
        f"{where}: {variant.strip()} (say {term})"
        for where, text in texts()
        for term, variants in TERMS.items()
        for variant in variants
        if variant in text
    ]
    assert not found, "\n".join(found)
