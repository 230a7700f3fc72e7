"""What the cases tests share: a call as the 12351 desk takes it down, the API as each
user, a clock for the services' today, and a user of the street union (the level between
the county and the grassroots union of the fixture tree)."""

from rest_framework.test import APIClient

CASES = "/api/v1/cases/"


def call(**changes):
    """A wage complaint from a worker, as the desk takes it down."""
    return {
        "channel": "hotline", "kind": "complaint", "subject": "wages", "complexity": "general",
        "caller_name": "张来电", "phone": "13800001111", "employer_name": "春熙路某餐饮公司",
        "workers": "3", "amount_claimed": "18000", "request": "三名员工被拖欠两个月工资。",
        "received_on": "2026-09-30", **changes,
    }  # fmt: skip


def api_as(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def step(user, case_id, name, data=None):
    return api_as(user).post(f"{CASES}{case_id}/{name}/", data or {}, format="json")


def errors(response):
    """The API's errors as a list (one error comes as an object)."""
    body = response.json()
    return body if isinstance(body, list) else [body]


def fields(response):
    return {e["field"] for e in errors(response)}
