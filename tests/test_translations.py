"""The Simplified Chinese catalogue: complete, placeholder-safe, compiled, and loaded by Django.

Refresh it with scripts/messages (merges new msgids, compiles django.mo), translate
the new entries, and run scripts/messages --compile-only after editing django.po.
"""

import re
from pathlib import Path

import polib
import pytest
from django.utils import translation

import gonghui

LC_MESSAGES = Path(gonghui.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"

# %(name)s / %(n)d style (Python and {% blocktranslate %}), and {name} (str.format).
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?([sdifr])|\{(\w*)\}")
# Bare positional conversions like %s / %d, which cannot be reordered in translation.
POSITIONAL = re.compile(r"%(?!\()[-#0 +]*\d*(?:\.\d+)?[sdifr]")


@pytest.fixture(scope="module")
def po():
    return polib.pofile(str(PO_PATH))


def label(entry):
    return f"{entry.msgid!r} ({', '.join(path for path, _ in entry.occurrences)})"


def placeholders(text):
    """The placeholder names in a message, with their conversion: {"%(n)d", "{name}", ...}."""
    return {
        f"%({name}){conversion}" if name else f"{{{field}}}"
        for name, conversion, field in PLACEHOLDER.findall(text.replace("%%", ""))
    }


def translations(entry):
    """Each msgstr of an entry with the msgid it translates (msgid_plural for plural forms)."""
    if entry.msgid_plural:
        return [(entry.msgid_plural, text) for _, text in sorted(entry.msgstr_plural.items())]
    return [(entry.msgid, entry.msgstr)]


def test_catalogue_header(po):
    assert po.metadata["Language"] == "zh_Hans"
    assert "charset=UTF-8" in po.metadata["Content-Type"]
    assert po.metadata["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"
    assert not po.metadata_is_fuzzy, "remove '#, fuzzy' from the header entry"


def test_every_entry_is_translated_and_none_is_fuzzy(po):
    assert len(po) > 0
    problems = [f"untranslated: {label(e)}" for e in po.untranslated_entries() if not e.obsolete]
    problems += [f"fuzzy (check it, then drop the flag): {label(e)}" for e in po.fuzzy_entries()]
    for entry in po:
        if entry.msgid_plural and set(entry.msgstr_plural) != {0}:
            problems.append(f"Chinese has one plural form, msgstr[0]: {label(entry)}")
        if any(not text.strip() for _, text in translations(entry)):
            problems.append(f"blank translation: {label(entry)}")
    assert not problems, "\n".join(problems)


def test_placeholders_match(po):
    wrong = []
    for entry in po:
        if entry.obsolete:
            continue
        expected = placeholders(entry.msgid)
        if entry.msgid_plural:
            # A plural msgid may leave the count out of the singular ("one union"); Chinese
            # uses the plural form's placeholders for every number.
            expected |= placeholders(entry.msgid_plural)
        for _, text in translations(entry):
            if placeholders(text) != expected:
                wrong.append(f"{label(entry)}: {sorted(expected)} vs {sorted(placeholders(text))}")
            if len(POSITIONAL.findall(text)) != len(POSITIONAL.findall(entry.msgid)):
                wrong.append(f"{label(entry)}: positional %s/%d differ in {text!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_placeholder_pattern():
    assert placeholders("At most %(max)d characters; this has %(n)d.") == {"%(max)d", "%(n)d"}
    assert placeholders("%(n)s of %(total)s, {x} and {}") == {"%(n)s", "%(total)s", "{x}", "{}"}
    assert placeholders("100%% done, %(n)s left") == {"%(n)s"}
    assert placeholders("第 %(n)d 页") != placeholders("第 %(n)s 页")


def catalogue(entries):
    """Entries as a dict, keyed like gettext looks them up (context, msgid, msgid_plural)."""
    return {
        (e.msgctxt, e.msgid, e.msgid_plural or None): (
            {int(k): v for k, v in e.msgstr_plural.items()} if e.msgid_plural else e.msgstr
        )
        for e in entries
    }


def test_committed_mo_matches_po(tmp_path):
    """django.mo is what scripts/messages --compile-only makes from django.po now."""
    assert MO_PATH.exists(), "run scripts/messages --compile-only and commit django.mo"
    fresh = tmp_path / "django.mo"
    polib.pofile(str(PO_PATH)).save_as_mofile(str(fresh))
    expected = polib.mofile(str(fresh))
    committed = polib.mofile(str(MO_PATH))
    assert committed.metadata == expected.metadata
    assert catalogue(committed) == catalogue(expected), (
        "django.mo is stale: run scripts/messages --compile-only"
    )


def test_django_loads_the_catalogue():
    with translation.override("zh-hans"):
        assert translation.gettext("Log in") == "登录"
        assert translation.gettext("federation of trade unions") == "总工会"
        assert translation.gettext("Unknown division code %(code)s.") % {"code": "510199"} == (
            "区划代码 510199 不存在。"
        )
        assert translation.ngettext("%(n)s in all", "%(n)s in all", 3) % {"n": 3} == "共 3 条"
    with translation.override("en"):
        assert translation.gettext("Log in") == "Log in"
