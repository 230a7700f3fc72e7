"""What benchmarks share: timing, result rows, and trivial API views as the API baselines.

Import after django.setup(): the trivial views are DRF views and read DRF's settings.
"""

import statistics
import time
import types
import unicodedata
from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import include, path
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

TRIVIAL_URL = "/api/v1/bench/trivial/"
TRIVIAL_POST_URL = "/api/v1/bench/trivial-post/"
TRIVIAL_BODY = [{"id": 1, "name": "基准"}, {"id": 2, "name": "baseline"}]


class TrivialView(APIView):
    """The API baseline: same middleware, authentication and permission, a constant answer."""

    def get(self, request):
        return Response(TRIVIAL_BODY)


class TrivialPostView(APIView):
    """The baseline of an anonymous POST: same middleware and authentication, the JSON body
    parsed, a constant answer with 201."""

    permission_classes = [AllowAny]

    def post(self, request):
        if not request.data:
            return Response({"code": "required"}, status=400)
        return Response(TRIVIAL_BODY[0], status=201)


def urlconf_with_trivial_view():
    """The project's URLs plus the trivial views, as a module to use as ROOT_URLCONF."""
    urls = types.ModuleType("bench_urls")
    urls.urlpatterns = [
        path(TRIVIAL_URL.lstrip("/"), TrivialView.as_view()),
        path(TRIVIAL_POST_URL.lstrip("/"), TrivialPostView.as_view()),
        path("", include("gonghui.urls")),
    ]
    urls.handler404 = "gonghui.core.views.not_found"
    urls.handler500 = "gonghui.core.views.server_error"
    return urls


def client_for(user):
    """A test client signed in as `user` by session, answering to an allowed host name."""
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    if user.requires_two_factor:  # an administrator: the session has passed the second factor
        from django_otp import DEVICE_ID_SESSION_KEY

        from gonghui.accounts import two_factor

        confirmed = two_factor.TOTPDevice.objects.filter(user=user, confirmed=True).first()
        device = confirmed or two_factor.give_device(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def getter(client, url):
    """An operation that GETs `url` and fails loudly unless it answers 200."""

    def get():
        response = client.get(url)
        if response.status_code != 200:
            raise AssertionError(f"GET {url} answered {response.status_code}")
        return response

    return get


def query_count(operation):
    with CaptureQueriesContext(connection) as ctx:
        operation()
    return len(ctx)


def elapsed_ms(operation):
    start = time.perf_counter()
    operation()
    return (time.perf_counter() - start) * 1000


@dataclass
class Result:
    name: str
    project_ms: float
    baseline_ms: float
    baseline: str  # what the baseline is
    note: str = ""

    @property
    def ratio(self):
        return self.project_ms / self.baseline_ms

    def line(self):
        return (
            f"{self.name}: project {self.project_ms:.2f} ms/op, "
            f"baseline {self.baseline_ms:.2f} ms/op, ratio {self.ratio:.1f}"
        )


def compare(name, project, baseline, baseline_label, reps, warmup, note=""):
    """Median ms of the project operation and of its baseline; print and return the row.

    The two alternate, warm-up calls included, so load from elsewhere on the machine
    falls on both alike.
    """
    for _ in range(warmup):
        project()
        baseline()
    samples = [(elapsed_ms(project), elapsed_ms(baseline)) for _ in range(reps)]
    result = Result(
        name,
        statistics.median(p for p, _ in samples),
        statistics.median(b for _, b in samples),
        baseline_label,
        note,
    )
    print(result.line() + (f"  [{note}]" if note else ""), flush=True)
    return result


def width(text):
    """Columns `text` takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text, columns):
    return text + " " * (columns - width(text))


def print_table(results):
    columns = max(width(r.name) for r in results)
    print(f"\n{pad('measure', columns)}  {'project':>11}  {'baseline':>11}  {'ratio':>6}  baseline")
    for r in results:
        print(
            f"{pad(r.name, columns)}  {r.project_ms:>8.2f} ms  {r.baseline_ms:>8.2f} ms  "
            f"{r.ratio:>6.1f}  {r.baseline}"
        )
