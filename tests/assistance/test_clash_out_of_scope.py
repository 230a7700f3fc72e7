"""A person already of another branch's open household: the refusal, the file page and
the API say so without naming that file or its union (DESIGN rule 2); a file in the
user's own scope is still named."""

import pytest
from django.test import Client
from households import file_data, make_id, member
from rest_framework.test import APIClient

from gonghui.assistance.models import HouseholdMember
from gonghui.assistance.services import files
from gonghui.core import crypto

pytestmark = pytest.mark.django_db
SPOUSE = make_id(700, birth="19820511")
SPOUSE_ROW = {"relation": "sibling", "name": "李秀英", "id_number": SPOUSE, "work": "unable",
              "monthly_income": "0", "health": "serious"}  # fmt: skip


@pytest.fixture
def theirs(tree):
    """An open file of the sibling county whose household holds SPOUSE."""
    member(tree, 9, name="乙方职工", union=tree.sibling_grassroots)
    return files.apply(tree.other, file_data(9, household=[SPOUSE_ROW]))


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def messages(response):
    body = response.json()
    return {e["field"]: e["message"] for e in (body if isinstance(body, list) else [body])}


def secrets(tree, theirs):
    return [tree.sibling_grassroots.name, tree.sibling.name, "乙方", f"档案 {theirs.pk}"]


def test_the_refusal_names_no_file_of_another_branch(tree, theirs):
    member(tree, 1)
    response = api(tree.jiceng).post(
        "/api/v1/hardship-files/", file_data(1, household=[SPOUSE_ROW]), format="json"
    )
    assert response.status_code == 400, response.content
    message = messages(response)["household.3.id_number"]
    assert "其他工会" in message and "上级工会" in message
    assert str(theirs.pk) not in message
    for secret in secrets(tree, theirs):
        assert secret not in message, secret


def test_a_file_in_scope_is_still_named(tree):
    member(tree, 1)
    member(tree, 2, name="曾大凡")
    mine = files.apply(tree.jiceng, file_data(2, household=[SPOUSE_ROW]))
    response = api(tree.jiceng).post(
        "/api/v1/hardship-files/", file_data(1, household=[SPOUSE_ROW]), format="json"
    )
    message = messages(response)["household.3.id_number"]
    assert str(mine.pk) in message and tree.grassroots.name in message


def test_the_page_and_the_api_warn_without_naming_it(tree, theirs):
    """A clash already on record (a file of before the check, say) is shown as such."""
    member(tree, 1)
    mine = files.apply(tree.jiceng, file_data(1))
    other_line = theirs.household.get(id_number_index=crypto.blind_index(SPOUSE))
    shared = mine.household.get(relation="spouse")
    HouseholdMember.objects.filter(pk=shared.pk).update(
        id_number_index=other_line.id_number_index, name=other_line.name
    )
    client = Client()
    client.force_login(tree.jiceng)
    page = client.get(f"/hardship/{mine.pk}/").content.decode()
    assert "其他工会" in page
    body = api(tree.jiceng).get(f"/api/v1/hardship-files/{mine.pk}/").json()
    assert body["clashes"] == [
        {"id": None, "union_name": None, "status": theirs.status,
         "status_display": body["clashes"][0]["status_display"]}
    ]  # fmt: skip
    for secret in secrets(tree, theirs):
        assert secret not in page, secret
    assert f"/hardship/{theirs.pk}/" not in page
