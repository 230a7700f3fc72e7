"""Every page a role may use is reachable in two clicks from the home page, and nothing a
role may not use is shown to it.

The pages come from the URL configuration: every named web route without kwargs (and
the import pages of every registered subject) that answers a role's GET with 200 is a
page that role may use. From the home page, a link in the top menu or on the page is
one click, a link on the page it opens the second. The menu's groups open on hover or
focus, so their links are one click away.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from test_scope_walk import routes

from gonghui.jobs import registry

pytestmark = pytest.mark.django_db

NOT_PAGES = {
    # Not a page a user opens: the API, sign-in steps, downloads and redirects.
    "login", "logout", "two_factor_verify", "schema", "favicon",
    "members:join", "members:join_status",  # the public pages, for workers
    "cases:report", "cases:report_status",
    "assistance:figures_xlsx", "cases:figures_xlsx",  # the figures pages' downloads
}  # fmt: skip
ROLES = ["sheng", "xian", "jiceng", "ro", "xian_admin", "root_admin"]


def user_of(tree, root_admin, role):
    return root_admin if role == "root_admin" else getattr(tree, role)


def usable_pages(client):
    """The paths of the kwarg-less web pages this client's user may open."""
    paths = []
    for name, params in routes():
        if params or name in NOT_PAGES or name.startswith(("api:", "admin:")):
            continue
        paths.append(reverse(name))
    for subject in registry.importers():
        paths.append(reverse("import", args=[subject]))
    return {p for p in paths if client.get(p).status_code == 200}


def links(html):
    return {
        urlsplit(href.replace("&amp;", "&")).path
        for href in re.findall(r'<a [^>]*href="(/[^"]*)"', html)
    }


def menu(html):
    return links(html.split('<nav class="menu"')[1].split("</nav>")[0])


@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_may_use_is_two_clicks_from_home(tree, root_admin, role):
    client = Client()
    client.force_login(user_of(tree, root_admin, role))
    home = client.get("/").content.decode()
    first = links(home)
    second = set(first)
    for path in first:
        page = client.get(path)
        if page.status_code == 200 and page["Content-Type"].startswith("text/html"):
            second |= links(page.content.decode())
    missing = usable_pages(client) - second - {"/"}
    assert not missing, f"{role} cannot reach {sorted(missing)} in two clicks"


@pytest.mark.parametrize("role", ROLES)
def test_the_menu_shows_nothing_the_role_may_not_use(tree, root_admin, role):
    client = Client()
    client.force_login(user_of(tree, root_admin, role))
    for path in menu(client.get("/").content.decode()):
        assert client.get(path).status_code == 200, f"{role}'s menu links {path}"


def test_the_menu_links_imports_exports_and_reminders_not_the_api_for_staff(tree):
    client = Client()
    client.force_login(tree.xian)
    shown = menu(client.get("/").content.decode())
    assert {"/jobs/", "/hardship/reminders/", "/hardship/figures/"} <= shown
    assert "/api/docs/" not in shown
