"""The hardship file's workflow table (assistance/workflow.py) is the contract: every
transition is a web route and an API action of the same name, is taken from each state the
table names and refused from every other, and answers 404 outside the caller's scope.
Tests are made from the table, so a new transition is tested without a line here, except
its sample input below (a test fails until it has one)."""

import pytest
from django.urls import reverse
from households import D, file_data, member
from rest_framework.test import APIClient

from gonghui.assistance.models import HardshipFile
from gonghui.assistance.services import files
from gonghui.assistance.workflow import HARDSHIP_FILE
from gonghui.core import values
from gonghui.core.models import AuditEvent

pytestmark = pytest.mark.django_db
Status = HardshipFile.Status
TODAY = "2027-06-01"  # past the six months of follow-up of the path below

# What a user sends for each transition, along one life of a file.
SAMPLE = {
    "review": {"accepted": True, "reviewed_on": "2026-09-10"},
    "visit": {"visited_on": "2026-09-20", "visitors": "王主席", "findings": "情况属实"},
    "notice": {"notice_from": "2026-09-29"},
    "file": {"filed_on": "2026-10-12"},
    "annual-review": {"reviewed_on": "2026-10-30"},
    "exit": {"exit_notice_from": "2026-11-02", "note": "夫妻双方稳定就业"},
    "confirm-exit": {"exited_on": "2026-11-09"},
    "close": {"closed_on": "2027-05-10"},
    "remove": {"removal_reason": "reassessed", "closed_on": "2027-05-10", "note": "复核不再符合"},
    "reopen": {},
}
FOLLOW_UP_VISIT = {"visited_on": "2026-12-15", "visitors": "刘干事", "findings": "收入稳定"}
# How a file reaches each state from its application, through the services.
PATHS = {
    Status.APPLIED: [],
    Status.REVIEWED: ["review"],
    Status.VISITED: ["review", "visit"],
    Status.NOTICE: ["review", "visit", "notice"],
    Status.FILED: ["review", "visit", "notice", "file"],
    Status.EXIT_NOTICE: ["review", "visit", "notice", "file", "exit"],
    # With its first follow-up visit: closing needs one.
    Status.FOLLOW_UP: ["review", "visit", "notice", "file", "exit", "confirm-exit", "visit*"],
    Status.CLOSED: ["review", "visit", "notice", "file", "exit", "confirm-exit", "visit*", "close"],
    Status.REJECTED: ["reject"],
    Status.REMOVED: ["remove"],
}


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr(values, "today", lambda: D(TODAY))


def sample(name, file):
    if name == "visit" and file.status == Status.FOLLOW_UP:
        return FOLLOW_UP_VISIT
    return SAMPLE[name]


def file_in(tree, state, seq=1):
    """A file of the grassroots union, taken to `state` through the services."""
    member(tree, seq)
    file = files.apply(tree.jiceng, file_data(seq, applied_on="2026-09-01"))
    for name in PATHS[state]:
        if name == "reject":
            data, name = (
                {"accepted": False, "reviewed_on": "2026-09-10", "note": "收入超标"},
                "review",
            )
        elif name == "visit*":
            data, name = FOLLOW_UP_VISIT, "visit"
        else:
            data = SAMPLE[name]
        HARDSHIP_FILE.get(name).service(tree.jiceng, file, data)
        file.refresh_from_db()
    assert file.status == state
    return file


def api_as(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def api_url(file, transition):
    return f"/api/v1/hardship-files/{file.pk}/{transition.name}/"


def post(user, file, transition):
    data = sample(transition.name, file)
    return api_as(user).post(api_url(file, transition), data, format="json")


def web_url(file, transition):
    return reverse("assistance:file_step", args=[file.pk, transition.name])


def events(file):
    return AuditEvent.objects.for_object(file).count()


TAKEN = [(t.name, s) for t in HARDSHIP_FILE for s in t.sources]
REFUSED = [(t.name, next(s for s in PATHS if s not in t.sources)) for t in HARDSHIP_FILE]


def test_every_transition_has_a_sample_and_every_state_a_path():
    assert {t.name for t in HARDSHIP_FILE} == set(SAMPLE)
    sources = {s for t in HARDSHIP_FILE for s in t.sources}
    assert sources <= set(PATHS)


def test_every_transition_is_an_api_action_of_the_same_name(client):
    schema = api_as(None).get("/api/schema/?format=json").json()
    actions = {
        path.rsplit("/", 2)[-2]
        for path, methods in schema["paths"].items()
        if path.startswith("/api/v1/hardship-files/{id}/") and "post" in methods
    }
    assert actions == {t.name for t in HARDSHIP_FILE}


@pytest.mark.parametrize(("name", "state"), TAKEN)
def test_the_api_takes_it_from_each_state_the_table_names(tree, name, state):
    transition = HARDSHIP_FILE.get(name)
    file = file_in(tree, state)
    before = events(file)
    response = api_as(tree.jiceng).post(
        api_url(file, transition), sample(name, file), format="json"
    )
    assert response.status_code == (201 if transition.creates else 200), response.content
    answered = HardshipFile.objects.get(pk=response.json()["id"])
    assert response.json()["status"] == answered.status
    assert events(answered if transition.creates else file) > (0 if transition.creates else before)


@pytest.mark.parametrize("name", [t.name for t in HARDSHIP_FILE])
def test_the_web_takes_it_under_the_same_name(tree, client, name):
    transition = HARDSHIP_FILE.get(name)
    file = file_in(tree, transition.sources[0])
    client.force_login(tree.jiceng)
    page = client.get(file.get_absolute_url()).content.decode()
    assert f'action="{web_url(file, transition)}"' in page  # the step's form is on the page
    # The web's radio buttons say yes or no where the API takes true or false.
    web = {True: "yes", False: "no"}
    posted = {f"{name}-{k}": web.get(v, v) for k, v in sample(name, file).items()}
    before = events(file)
    response = client.post(web_url(file, transition), posted)
    assert response.status_code == 302, response.content.decode()[:2000]
    if transition.creates:
        assert HardshipFile.objects.filter(reopens=file).exists()
    else:
        assert events(file) > before


@pytest.mark.parametrize(("name", "state"), REFUSED)
def test_it_is_refused_from_any_other_state_and_nothing_is_written(tree, client, name, state):
    transition = HARDSHIP_FILE.get(name)
    file = file_in(tree, state)
    before = (events(file), HardshipFile.objects.count())
    response = api_as(tree.jiceng).post(
        api_url(file, transition), sample(name, file), format="json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["field"] == "status"
    client.force_login(tree.jiceng)
    assert client.post(web_url(file, transition), {}).status_code == 302  # back, with a message
    file.refresh_from_db()
    assert file.status == state
    assert (events(file), HardshipFile.objects.count()) == before


@pytest.mark.parametrize("name", [t.name for t in HARDSHIP_FILE])
def test_outside_the_scope_it_does_not_exist(tree, client, name):
    transition = HARDSHIP_FILE.get(name)
    file = file_in(tree, transition.sources[0])
    response = post(tree.other, file, transition)
    assert response.status_code == 404
    client.force_login(tree.other)
    assert client.post(web_url(file, transition), {}).status_code == 404
    assert file.status == HardshipFile.objects.get(pk=file.pk).status


@pytest.mark.parametrize("name", [t.name for t in HARDSHIP_FILE])
def test_a_role_that_may_only_read_is_refused_and_nothing_is_written(tree, client, name):
    transition = HARDSHIP_FILE.get(name)
    file = file_in(tree, transition.sources[0])
    before = (events(file), HardshipFile.objects.count())
    assert post(tree.ro, file, transition).status_code == 403  # in scope, read-only
    client.force_login(tree.ro)
    assert client.post(web_url(file, transition), {}).status_code == 403
    file.refresh_from_db()
    assert file.status == transition.sources[0]
    assert (events(file), HardshipFile.objects.count()) == before
