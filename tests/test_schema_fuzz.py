"""Every API operation, fuzzed from the OpenAPI schema the app serves (schemathesis).

As staff of a county without the reveal permission (a session cookie, as the web
client has) and anonymously, each operation gets a few generated requests, valid and
not; every answer must be no 5xx and match the schema: a documented status code, the
documented content type and body. The operations come from the schema itself, so an
endpoint added later is fuzzed without a line here. Runs on SQLite and PostgreSQL.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from stdnum.cn import ric

from gonghui.assistance.services import campaigns, records
from gonghui.cases import services as cases
from gonghui.members import services as members
from gonghui.unions import services as unions

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
CSRF = "fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzz"  # any 32 letters: cookie and header must agree


def id_number(seq, prefix="510104"):
    body = prefix + "19850612" + f"{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


@pytest.fixture
def records_to_find(tree, root_admin):
    """Something of every kind in xian's county, with empty optional fields, for the
    answers to carry: members, a pending application, an employer, a campaign and its
    allocation, an assistance record, cases."""
    for seq in (1, 2):
        application = members.submit_application(
            {"name": f"会员{seq}", "id_number": id_number(seq), "phone": f"1390000000{seq}",
             "union": tree.grassroots.code},
            consent=True,
        )  # fmt: skip
        members.approve_application(tree.jiceng, application)
    members.submit_application(
        {"name": "申请人", "id_number": id_number(3), "phone": "13900000003",
         "union": tree.grassroots.code},
        consent=True,
    )  # fmt: skip
    unions.create_employer(
        root_admin,
        {"name": "锦江区甲方电子有限公司", "region": "510104", "industry": "C",
         "local_union": tree.county.code},
    )  # fmt: skip
    county = campaigns.create(
        tree.xian,
        {"name": "2026年冬送温暖", "season": "winter", "budget": "10000",
         "starts_on": "2026-10-01", "ends_on": "2027-02-28"},
    )  # fmt: skip
    campaigns.allocate(tree.xian, county, {"union": tree.grassroots, "budget": "5000"})
    records.record(
        tree.xian,
        {"campaign": county.pk, "name": "会员1", "id_number": id_number(1), "amount": "500",
         "given_on": "2026-12-01"},
    )  # fmt: skip
    # Cases with their optional fields empty: one just taken, one concluded with an action.
    cases.take(
        tree.xian,
        {"channel": "hotline", "kind": "consultation", "subject": "other", "caller_name": "来电人",
         "phone": "13900000009", "request": "咨询", "received_on": "2026-12-01"},
    )  # fmt: skip
    handled = cases.take(
        tree.xian,
        {"channel": "letter", "kind": "complaint", "subject": "wages", "caller_name": "来信人",
         "phone": "02886000000", "request": "投诉", "received_on": "2026-12-01"},
    )  # fmt: skip
    cases.start_handling(tree.xian, handled, {})
    cases.record_action(tree.xian, handled, {"kind": "other", "text": "电话联系用人单位"})
    cases.conclude(tree.xian, handled, {"outcome": "resolved", "answer": "已解决"})


@pytest.fixture
def app():
    """The WSGI application in this thread, on the test's database connection: like
    Django's test client, requests must not close the connection the test runs in."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=["county_staff", "anonymous"])
def caller(request, tree, records_to_find):
    """Cookies and headers of the caller: a signed-in session, or nobody."""
    if request.param == "anonymous":
        return {"cookies": {}, "headers": {}}
    assert not tree.xian.has_perm("accounts.reveal_id_number")
    client = Client()
    client.force_login(tree.xian)
    session = client.cookies["sessionid"].value
    return {
        "cookies": {"sessionid": session, "csrftoken": CSRF},
        "headers": {"X-CSRFToken": CSRF},
    }


@pytest.fixture
def api_schema(db, app, caller):
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", app)


# A few requests per operation and mode keep the whole fuzz (both callers, ~100
# operations) within a couple of minutes on two cores.
EXAMPLES = 10
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,  # the same requests every run: a failure can be replayed
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    verbosity=Verbosity.quiet,
)


@pytest.mark.django_db
def test_every_operation_answers_as_its_schema_says(api_schema, caller):
    # schemathesis' own pytest integration (from_fixture) breaks on pytest 9, so each
    # operation gets a plain Hypothesis run; every failure is collected, not just the first.
    failures, operations = [], 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1
        strategy = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        )

        @FUZZ
        @given(case=strategy)
        def fuzz(case):
            case.call_and_validate(
                cookies=caller["cookies"], headers=caller["headers"], checks=CHECKS
            )

        try:
            fuzz()
        except (Exception, BaseExceptionGroup) as exc:  # every operation's failures, not the first
            failures.append(f"{operation.label}: {exc}")
    assert operations > 50
    assert not failures, "\n\n".join(failures)
