"""The API's error format, request ids, and the OpenAPI schema and docs page."""

import json
import re

import pytest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.validation import validate_schema
from rest_framework import exceptions

from gonghui.core import api_errors
from gonghui.core.models import AuditEvent
from gonghui.unions.models import TradeUnion


def is_error(obj):
    return isinstance(obj, dict) and set(obj) == {"code", "field", "message"}


# --- the pieces -------------------------------------------------------------------------


def test_flatten_names_nested_fields():
    detail = exceptions.ValidationError(
        {
            "name": ["too long"],
            "non_field_errors": ["clash"],
            "address": {"city": [exceptions.ErrorDetail("unknown", code="invalid_choice")]},
            "tags": [{"label": ["blank"]}],
        }
    ).detail
    errors = api_errors.flatten(detail)
    assert all(is_error(e) for e in errors)
    by_field = {e["field"]: e for e in errors}
    assert by_field["name"]["message"] == "too long"
    assert by_field[None]["message"] == "clash"
    assert by_field["address.city"] == {
        "code": "invalid_choice",
        "field": "address.city",
        "message": "unknown",
    }
    assert by_field["tags.label"]["message"] == "blank"


def test_django_errors_from_a_dict_and_a_list():
    exc = DjangoValidationError(
        {
            "name": [DjangoValidationError("taken", code="unique")],
            "__all__": ["whole form"],
            "uscc": ["a", "b"],
        }
    )
    errors = api_errors.django_errors(exc)
    assert {"code": "unique", "field": "name", "message": "taken"} in errors
    assert {"code": "invalid", "field": None, "message": "whole form"} in errors
    assert [e["message"] for e in errors if e["field"] == "uscc"] == ["a", "b"]
    errors = api_errors.django_errors(DjangoValidationError(["x", "y"]))
    assert errors == [
        {"code": "invalid", "field": None, "message": "x"},
        {"code": "invalid", "field": None, "message": "y"},
    ]


def test_body_is_an_object_for_one_error_and_a_list_for_several():
    one = api_errors.error("invalid", "name", "bad")
    assert api_errors.body([one]) == one
    assert api_errors.body([one, one]) == [one, one]


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (Http404("secret detail"), 404, "not_found"),
        (DjangoPermissionDenied("no"), 403, "permission_denied"),
        (DjangoValidationError({"name": ["bad"]}), 400, "invalid"),
        (exceptions.NotAuthenticated(), 401, "not_authenticated"),
        (exceptions.ParseError("broken"), 400, "parse_error"),
        (exceptions.Throttled(5), 429, "throttled"),
    ],
)
def test_exception_handler(exc, status, code):
    response = api_errors.exception_handler(exc, {})
    assert response.status_code == status
    assert is_error(response.data)
    assert response.data["code"] == code
    assert "secret detail" not in json.dumps(response.data)


def test_exception_handler_leaves_other_exceptions_alone():
    assert api_errors.exception_handler(ValueError("boom"), {}) is None


# --- over HTTP ----------------------------------------------------------------------------


def test_no_token_is_401_with_a_json_body(tree, api):
    response = api.get("/api/v1/unions/")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Token")


def test_malformed_json_is_a_parse_error_and_writes_nothing(tree, api_as):
    before = (TradeUnion.objects.count(), AuditEvent.objects.count())
    response = api_as(tree.xian).post(
        "/api/v1/unions/", b'{"code": "5101040102",', content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert is_error(body)
    assert (body["code"], body["field"]) == ("parse_error", None)
    assert (TradeUnion.objects.count(), AuditEvent.objects.count()) == before


def test_unknown_api_url_is_a_json_404(tree, api_as):
    response = api_as(tree.xian).get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_found"


def test_unsupported_media_type(tree, api_as):
    response = api_as(tree.xian).post(
        "/api/v1/unions/", "code=1", content_type="application/x-unknown"
    )
    assert response.status_code == 415
    assert is_error(response.json())


def test_every_response_carries_a_fresh_request_id(tree, api_as):
    client = api_as(tree.xian)
    ids = {client.get("/api/v1/unions/")["X-Request-ID"] for _ in range(3)}
    ids.add(client.get("/api/v1/nothing/")["X-Request-ID"])
    assert len(ids) == 4
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)


# --- OpenAPI --------------------------------------------------------------------------------


@pytest.fixture
def schema(db, api):
    response = api.get("/api/schema/?format=json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_schema_is_valid_openapi(schema):
    validate_schema(schema)  # raises on an invalid document
    assert schema["openapi"].startswith("3.")


def test_schema_lists_the_endpoints(schema):
    paths = schema["paths"]
    for path in (
        "/api/v1/unions/",
        "/api/v1/unions/{id}/",
        "/api/v1/unions/{id}/move/",
        "/api/v1/unions/{id}/merge/",
        "/api/v1/unions/{id}/dissolve/",
        "/api/v1/unions/{id}/history/",
        "/api/v1/unions/{id}/children/",
        "/api/v1/employers/",
        "/api/v1/employers/{id}/",
        "/api/v1/regions/",
        "/api/v1/auth/token/",
        "/api/v1/auth/me/",
    ):
        assert path in paths, path
    assert "delete" not in paths["/api/v1/unions/{id}/"]
    assert "post" in paths["/api/v1/unions/"]
    params = {p["name"] for p in paths["/api/v1/unions/"]["get"]["parameters"]}
    assert {"parent", "region", "kind", "status", "q", "cursor", "page_size"} <= params


def test_schema_describes_the_union_input_by_code(schema):
    body = schema["paths"]["/api/v1/unions/"]["post"]["requestBody"]
    ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    props = schema["components"]["schemas"][ref]["properties"]
    assert {"code", "name", "kind", "region", "parent", "confirm"} <= set(props)
    assert props["parent"]["type"] == "string"


def test_schema_as_yaml_by_default(db, api):
    response = api.get("/api/schema/")
    assert response.status_code == 200
    assert response.content.startswith(b"openapi: 3.")


def test_schema_types_me_union_as_an_object(schema):
    union = schema["components"]["schemas"]["Me"]["properties"]["union"]
    assert union.get("type") == "object" or "$ref" in union or "allOf" in union


def test_docs_page_serves_every_asset_itself(db, api, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    response = api.get("/api/docs/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']+)["\']', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert any(a.endswith(".css") for a in assets)
    # Swagger UI's start script comes from the page's own URL (the CSP allows no inline one).
    assert all(a.startswith("/static/") or a == "/api/docs/?script=" for a in assets), assets
    assert not re.search(r"https?://", html)
    assert not re.search(r"""(?:src|href)\s*=\s*["']//""", html)
    assert "/api/schema/" in api.get("/api/docs/?script=").content.decode()
