"""Browser-side protection on every response: CSP, no caching of personal data, HSTS over HTTPS.

The pages are walked from the URL configuration (every route without parameters, plus a
union's pages), so a page added later is checked without being listed here.
"""

import re

import pytest
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}
# Anything the CSP would block: a script without src, an inline handler, a style attribute
# or block. <script type="application/json"> (json_script) is data, not script.
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>"
    r"|\son[a-z]+\s*=|\sstyle\s*=|<style[\s>]",
    re.I,
)


def routes(resolver=None, namespace=""):
    """(name, parameter names) of every named route."""
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            yield from routes(p, f"{namespace}{p.namespace}:" if p.namespace else namespace)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}{p.name}", list(p.pattern.regex.groupindex)


def policy(response):
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in header.split(";") if d.strip()}


def assert_protected(response):
    csp = policy(response)
    for name, value in DIRECTIVES.items():
        assert csp.get(name) == [value], (name, response["Content-Security-Policy"])
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def campaign_with_allocation(tree):
    from gonghui.assistance.services import campaigns

    county = campaigns.create(
        tree.xian,
        {"name": "2026年冬送温暖", "season": "winter", "budget": "10000",
         "starts_on": "2026-10-01", "ends_on": "2027-02-28"},
    )  # fmt: skip
    campaigns.allocate(tree.xian, county, {"union": tree.grassroots, "budget": "5000"})
    return county


def pages(tree):
    plain = [
        reverse(name)
        for name, params in routes()
        if not params and not name.startswith(("api:", "admin:")) and name != "schema"
    ]
    return [
        *plain,
        reverse("unions:detail", args=[tree.county.pk]),
        reverse("unions:edit", args=[tree.county.pk]),
        reverse("assistance:campaign", args=[campaign_with_allocation(tree).pk]),  # indented tree
        reverse("admin:index"),
    ]


@pytest.mark.django_db
def test_every_page_has_the_strict_csp_and_no_inline_script_or_style(tree):
    tree.xian.is_staff = tree.xian.is_superuser = True  # to reach the admin pages too
    tree.xian.save()
    client = Client()
    client.force_login(tree.xian)
    checked = 0
    for url in pages(tree):
        response = client.get(url)
        assert response.status_code < 500, url
        assert_protected(response)
        if response.get("Content-Type", "").startswith("text/html"):
            html = response.content.decode()
            assert not INLINE.search(html), (url, INLINE.search(html).group(0))
            checked += 1
    assert checked > 20


@pytest.mark.django_db
def test_anonymous_pages_and_api_docs_are_protected_too(tree):
    client = Client()
    for url in ["/login/", "/join/", "/join/status/", "/api/docs/", "/api/docs/?script="]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_protected(response)
        if url == "/api/docs/":
            html = response.content.decode()
            assert not INLINE.search(html), INLINE.search(html).group(0)
            assert "?script=" in html  # Swagger UI's start script comes from a URL
    script = client.get("/api/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


@pytest.mark.django_db
def test_api_answers_are_never_cached(tree, api):
    response = api.get("/api/v1/unions/")  # anonymous: refused, still not cacheable
    assert response.status_code in (401, 403)
    assert_protected(response)
    api.force_authenticate(tree.xian)
    for url in ["/api/v1/unions/", f"/api/v1/unions/{tree.county.code}/", "/api/v1/auth/me/",
                "/api/v1/persons/", "/api/v1/unions/9999999999/", "/api/schema/"]:  # fmt: skip
        response = api.get(url)
        assert response.status_code < 500, url
        assert_protected(response)


@pytest.mark.django_db
def test_static_files_keep_their_caching(settings, tree):
    settings.WHITENOISE_USE_FINDERS = True
    response = Client().get("/static/core/gonghui.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.django_db
def test_hsts_and_secure_cookies_only_over_https(tree, monkeypatch):
    import importlib

    import gonghui.settings as gs

    monkeypatch.setenv("GONGHUI_SECURE_COOKIES", "1")
    monkeypatch.setenv("GONGHUI_TRUSTED_PROXIES", "1")
    https = importlib.reload(gs)
    try:
        assert https.SESSION_COOKIE_SECURE and https.CSRF_COOKIE_SECURE
        assert https.SECURE_HSTS_SECONDS >= 31536000 and https.SECURE_HSTS_INCLUDE_SUBDOMAINS
        assert https.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")
        names = ("SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_PROXY_SSL_HEADER")
        with override_settings(**{n: getattr(https, n) for n in names}):
            response = Client().get("/login/", headers={"X-Forwarded-Proto": "https"})
            assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains")
            assert "Strict-Transport-Security" not in Client().get("/login/")  # plain http
        monkeypatch.setenv("GONGHUI_TRUSTED_PROXIES", "0")
        no_proxy = importlib.reload(gs)
        assert no_proxy.SECURE_PROXY_SSL_HEADER is None  # the header is not believed
    finally:
        monkeypatch.delenv("GONGHUI_SECURE_COOKIES")
        monkeypatch.delenv("GONGHUI_TRUSTED_PROXIES")
        plain = importlib.reload(gs)
    assert not plain.SESSION_COOKIE_SECURE and plain.SECURE_HSTS_SECONDS == 0
