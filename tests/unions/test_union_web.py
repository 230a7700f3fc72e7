"""The web forms: a warning to confirm, errors named in Chinese, nothing half written."""

import pytest
from conftest import counts
from django.test import Client
from stdnum.cn import uscc

from gonghui.unions.models import TradeUnion

pytestmark = pytest.mark.django_db


def form_data(**extra):
    return {"code": "5101040199", "name": "锦江区试点工会", "kind": "grassroots",
            "region": "510104", "parent": "5101040100", **extra}  # fmt: skip


def test_a_failed_uscc_check_is_confirmed_not_refused(tree):
    client = Client()
    client.force_login(tree.xian)
    body = "81510104MA6C1234X"
    good = body + uscc.calc_check_digit(body)
    bad = body + ("0" if good[-1] != "0" else "1")
    before = counts()
    response = client.post("/unions/new/", form_data(uscc=bad))
    assert response.status_code == 200
    assert counts() == before
    form = response.context["form"]
    assert "uscc" in form.errors
    html = response.content.decode()
    assert 'type="checkbox" name="confirm"' in html  # the box to confirm appears
    response = client.post("/unions/new/", form_data(uscc=bad, confirm="on"))
    assert response.status_code == 302
    assert TradeUnion.objects.get(code="5101040199").uscc == bad


def test_every_bad_field_is_named_at_once(tree):
    client = Client()
    client.force_login(tree.xian)
    before = counts()
    response = client.post(
        "/unions/new/", form_data(name="", region="999999", parent="5101050000", kind="")
    )
    assert counts() == before
    assert set(response.context["form"].errors) >= {"name", "region", "parent", "kind"}
    html = response.content.decode()
    assert "名称：" in html and "上级工会：" in html  # the Chinese label leads each message
    assert "青羊区总工会" not in html  # the other branch's parent is not named


def test_read_only_users_cannot_open_forms(tree):
    client = Client()
    client.force_login(tree.ro)
    assert client.get("/unions/new/").status_code == 403
    assert client.post("/unions/new/", form_data()).status_code == 403
    assert client.get(f"/unions/{tree.grassroots.pk}/edit/").status_code == 403
