"""The join page checks every field at once and names every problem; the consent box
follows the notice it refers to."""

import re

import pytest
from django.test import Client

from gonghui.members.models import JoinApplication

pytestmark = pytest.mark.django_db


def errors(response):
    """{field name: [messages]} as the page shows them beside each field."""
    html = response.content.decode()
    found = {}
    for block in html.split('<div class="field has-error')[1:]:
        block = block.split('<div class="field')[0]
        name = re.search(r'name="([a-z_]+)"', block).group(1)
        found[name] = re.findall(r'<p class="error">([^<]*)</p>', block)
    return found


def test_an_empty_form_names_every_required_field_at_once(tree):
    response = Client().post("/join/", {})
    assert set(errors(response)) == {
        "name", "id_number", "phone", "employment_form", "union", "consent",
    }  # fmt: skip
    # The summary on top counts them and links to each field.
    summary = response.content.decode().split('role="alert"')[1].split("</div>")[0]
    assert summary.count("<li>") == 6 and 'href="#id_phone"' in summary
    assert not JoinApplication.objects.exists()


def test_a_bad_phone_is_named_beside_other_bad_fields(tree):
    data = {"name": "区小华", "id_number": "510104199203081234", "phone": "1234",
            "employment_form": "standard"}  # fmt: skip
    response = Client().post("/join/", data)
    shown = errors(response)
    assert {"id_number", "phone", "union", "consent"} <= set(shown)
    assert "手机" in shown["phone"][0] or "号码" in shown["phone"][0]


def test_the_consent_box_comes_after_the_notice(tree):
    html = Client().get("/join/").content.decode()
    notice, consent = html.index('class="notice"'), html.index('name="consent"')
    assert notice < consent
    assert html.index('name="phone"') < notice  # the other fields before it
