"""A grant refused because another branch already gave one this year says so, without
naming that branch's campaign or the day (DESIGN rule 2: nothing of another branch)."""

import pytest
from households import make_id
from rest_framework.test import APIClient

from gonghui.assistance.services import campaigns, records

pytestmark = pytest.mark.django_db
STUDENT = make_id(600, birth="20080901")
STUDY = {"season": "autumn", "budget": "50000", "starts_on": "2026-08-01",
         "ends_on": "2026-11-30", "one_grant_per_person": True}  # fmt: skip


def test_a_grant_of_another_county_is_not_described(tree):
    theirs = campaigns.create(tree.other, {**STUDY, "name": "青羊区乙方专属金秋助学"})
    records.record(
        tree.other,
        {"campaign": theirs.pk, "name": "曾子涵", "id_number": STUDENT, "amount": "3000",
         "given_on": "2026-09-05"},
    )  # fmt: skip
    mine = campaigns.create(tree.xian, {**STUDY, "name": "锦江区金秋助学"})
    api = APIClient()
    api.force_authenticate(tree.xian)
    response = api.post(
        "/api/v1/assistance-records/",
        {"campaign": mine.pk, "name": "曾子涵", "id_number": STUDENT, "amount": "3000",
         "given_on": "2026-09-06"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400, response.content
    body = response.content.decode()
    assert "id_number" in body and "其他工会" in body
    for secret in ("乙方", "青羊", "2026-09-05", "9月5日"):
        assert secret not in body, secret
