"""Controls a user may not use are not shown, and a refused action explains itself on the
page it came from (not a bare 403 page)."""

import pytest
from django.test import Client

from gonghui.jobs.models import Job

pytestmark = pytest.mark.django_db


def test_the_reveal_reason_is_only_shown_to_holders_of_the_permission(tree, root_admin):
    from gonghui.accounts import services

    client = Client()
    client.force_login(tree.xian)
    assert 'name="reveal_reason"' not in client.get("/members/").content.decode()
    services.update_user(root_admin, tree.xian, {}, can_reveal_id_numbers=True)
    client.force_login(type(tree.xian).objects.get(pk=tree.xian.pk))  # with a second factor
    assert 'name="reveal_reason"' in client.get("/members/").content.decode()


def test_a_refused_export_goes_back_to_the_list_with_the_reason(tree):
    client = Client()
    client.force_login(tree.xian)
    response = client.post(
        "/exports/members/?status=active",
        {"format": "xlsx", "reveal_reason": "核对"},
        HTTP_REFERER="http://testserver/members/?status=active",
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "http://testserver/members/?status=active"
    page = response.content.decode()
    assert 'class="messages"' in page and ("whole" in page or "完整" in page)
    assert not Job.objects.exists()


def test_a_refused_action_from_elsewhere_gets_a_page_with_the_reason_and_a_way_back(tree):
    client = Client()
    client.force_login(tree.ro)  # read-only: may not create
    response = client.get("/unions/new/", HTTP_REFERER="http://testserver/unions/")
    assert response.status_code == 403
    page = response.content.decode()
    assert 'href="http://testserver/unions/"' in page
    assert "javascript:" not in page  # the CSP allows no inline script


def test_a_referer_of_another_site_is_not_followed(tree):
    client = Client()
    client.force_login(tree.ro)
    response = client.post("/unions/new/", {"name": "x"}, HTTP_REFERER="https://evil.example/phish")
    assert response.status_code == 403
    assert "evil.example" not in response.content.decode()


def test_read_only_staff_see_no_change_buttons(tree, client):
    client.force_login(tree.ro)
    for page in ("/members/applications/", "/members/transfers/", "/unions/"):
        html = client.get(page).content.decode()
        for action in ("/approve/", "/release/", "/receive/", "/unions/new/", "/imports/"):
            assert action not in html.split("<main>")[1], (page, action)
