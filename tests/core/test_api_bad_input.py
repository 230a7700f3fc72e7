"""Bad values in paths and filters: a 404 or a 400 naming the field, never a 500 (issue 13,
finding 12); history endpoints answer the plain list their schema declares."""

import pytest

pytestmark = pytest.mark.django_db

TOO_BIG = "99999999999999999999"  # 20 digits: more than any database integer holds


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/unions/abc/children/",
        f"/api/v1/unions/{TOO_BIG}/children/",
        f"/api/v1/unions/{TOO_BIG}/",
        f"/api/v1/persons/{TOO_BIG}/",
        "/api/v1/persons/abc/history/",
        f"/api/v1/hardship-files/{TOO_BIG}/history/",
    ],
)
def test_a_key_that_is_no_record_is_a_404(tree, api_as, url):
    response = api_as(tree.xian).get(url)
    assert response.status_code == 404, response.content
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    "url, field",
    [
        (f"/api/v1/assistance-records/?campaign={TOO_BIG}", "campaign"),
        (f"/api/v1/assistance-records/?file=-{TOO_BIG}", "file"),
        (f"/api/v1/campaigns/?year={TOO_BIG}", "year"),
        (f"/api/v1/reveals/?person={TOO_BIG}", "person"),
        ("/api/v1/unions/?cursor=abc", "cursor"),
    ],
)
def test_a_filter_value_out_of_range_is_a_400_naming_the_filter(tree, api_as, url, field):
    response = api_as(tree.xian).get(url)
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field


def test_the_web_list_takes_the_same_filters_without_a_500(tree, client):
    client.force_login(tree.xian)
    response = client.get(f"/assistance/?campaign={TOO_BIG}")
    assert response.status_code == 200


def test_history_is_a_plain_list_as_the_schema_says(tree, api_as):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    histories = [p for p in schema["paths"] if p.endswith("/history/")]
    assert len(histories) == 5
    for path in histories:
        body = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        assert body["schema"]["type"] == "array", path
    answer = api_as(tree.xian).get(f"/api/v1/unions/{tree.county.pk}/history/")
    assert answer.status_code == 200 and isinstance(answer.json(), list) and answer.json()
