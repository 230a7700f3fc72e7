"""A million cases over the province tree of bench/_tree_data.py, written with COPY.

Cases come in over the last two years (more of them lately) at the 12351 desks: the
province, the cities and the counties, and a fifth handed down to a township or a
grassroots union. Those taken in the last four weeks are still open in the workbench's
states (taken, being handed over, handled; some past their deadline); the rest are closed
or wait for their call back, as in the demo. Deadlines are counted with the platform's
working-day calendar. Phones are real ciphertexts, blind indexes and masks, from a pool of
5,000 numbers (encrypting a million takes a minute and no measurement reads them).
"""

import datetime as dt
import random
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from gonghui.calendar import workdays
from gonghui.cases import deadlines
from gonghui.cases.models import Case
from gonghui.core.sealed import PHONE
from gonghui.unions.models import TradeUnion

C = Case
DAYS = 730
OPEN_DAYS = 28
KINDS = (
    [C.Kind.CONSULTATION] * 42
    + [C.Kind.SERVICE] * 14
    + [C.Kind.COMPLAINT] * 28
    + [C.Kind.LEGAL_AID] * 11
    + [C.Kind.SUGGESTION] * 5
)
SUBJECTS = (
    [C.Subject.WAGES] * 34
    + [C.Subject.CONTRACT] * 15
    + [C.Subject.INSURANCE] * 12
    + [C.Subject.INJURY] * 10
    + [C.Subject.DISMISSAL] * 11
    + [C.Subject.GIG] * 8
    + [C.Subject.WOMEN] * 4
    + [C.Subject.OTHER] * 6
)
CHANNELS = (
    [C.Channel.HOTLINE] * 55
    + [C.Channel.WEB] * 10
    + [C.Channel.APP] * 10
    + [C.Channel.WALK_IN] * 15
    + [C.Channel.LETTER] * 5
    + [C.Channel.TRANSFERRED] * 5
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英"


def desks():
    """(desk unions with weights, children of each union)."""
    unions = list(TradeUnion.objects.only("id", "parent_id", "kind", "path").order_by("id"))
    children = {}
    for u in unions:
        children.setdefault(u.parent_id, []).append(u)
    federations = [u for u in unions if u.kind == TradeUnion.Kind.FEDERATION]
    depth = {u.id: u.path.count("/") for u in federations}
    weighted = []
    for u in federations:
        level = depth[u.id]  # "/1/" has 2: the province
        weighted += [u] * {2: 20, 3: 4}.get(level, 1)
    return weighted, children


def build(total, seed, clock, timings):
    rng = random.Random(seed)
    today = timezone.localdate()
    cal = workdays.calendar()
    with clock(timings, "plan the cases"):
        weighted, children = desks()
        phones = [f"13{rng.randint(0, 999999999):09d}" for _ in range(5000)]
        sealed = [PHONE.columns(p) for p in phones]
        allowed = {}
        fields = [f.column for f in Case._meta.concrete_fields if f.column != "id"]
        rows = []
        due_cache = {}
        for n in range(total):
            desk = rng.choice(weighted)
            back = int(DAYS * rng.random() ** 1.6)  # more of them lately
            received = today - dt.timedelta(days=back)
            kind, subject = rng.choice(KINDS), rng.choice(SUBJECTS)
            complexity = C.Complexity.GENERAL if rng.random() < 0.8 else C.Complexity.DIFFICULT
            key = (kind, complexity)
            if key not in allowed:
                allowed[key] = deadlines.DEFAULTS[kind][complexity]
            days = allowed[key]
            due = due_cache.get((received, days))
            if due is None:
                due = due_cache[(received, days)] = cal.add_workdays(received, days)
            union, first = desk, desk
            below = children.get(desk.id)
            if below and rng.random() < 0.2:
                union = rng.choice(below)
            transfer_to, status = None, C.Status.CLOSED
            concluded = outcome = satisfaction = called = None
            if back < OPEN_DAYS and rng.random() < 0.6:
                status = rng.choice([C.Status.TAKEN, C.Status.HANDLING, C.Status.HANDLING,
                                     C.Status.HANDLING, C.Status.TRANSFERRING])  # fmt: skip
                if status == C.Status.TRANSFERRING:
                    below = children.get(union.id)
                    if below:
                        transfer_to = rng.choice(below)
                    else:
                        status = C.Status.HANDLING
            else:
                concluded = min(received + dt.timedelta(days=rng.randint(0, days + 4)), today)
                outcome = rng.choice(["resolved"] * 8 + ["partly", "cannot"])
                if concluded < today - dt.timedelta(days=3):
                    called = concluded + dt.timedelta(days=rng.randint(1, 3))
                    satisfaction = rng.choice(["satisfied"] * 9 + ["basically"])
                else:
                    status = C.Status.CONCLUDED
            phone = sealed[n % len(sealed)]
            amount = Decimal(rng.randint(10, 900) * 100) if subject == C.Subject.WAGES else None
            values = {
                "number": f"WQ{received:%Y%m%d}{n:07d}", "union_id": union.id,
                "first_union_id": first.id,
                "transfer_to_id": transfer_to.id if transfer_to else None,
                "union_path": union.path, "transfer_path": transfer_to.path if transfer_to else "",
                "transfer_note": "", "status": status, "channel": rng.choice(CHANNELS),
                "kind": kind, "subject": subject, "complexity": complexity,
                "caller_name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                "phone_encrypted": phone["phone_encrypted"], "phone_index": phone["phone_index"],
                "phone_masked": phone["phone_masked"], "id_number_encrypted": None,
                "id_number_index": "", "id_number_masked": "", "person_id": None,
                "confidential": rng.random() < 0.05, "reply_wanted": True, "employer_id": None,
                "employer_name": "某某有限公司", "employer_uscc": "", "workers": 1,
                "amount_claimed": amount, "request": "诉求内容。", "received_on": received,
                "due_on": due, "workdays": days, "extension_state": "", "extension_workdays": 0,
                "extension_reason": "", "supervised": False, "urged_on": None,
                "court_referral": "", "court_name": "", "court_due_on": None,
                "court_extended": False, "concluded_on": concluded, "outcome": outcome or "",
                "answer": "答复内容。" if concluded else "",
                "amount_recovered": amount if concluded and amount else None,
                "workers_helped": 1 if concluded else None, "judicial_confirmation": False,
                "dispute_focus": "", "mediation_difficulty": "", "called_back_on": called,
                "satisfaction": satisfaction or "", "reopened": 0, "checked_on": None,
                "check_passed": None, "check_note": "", "consent_version": "",
                "created_by_id": None, "created_at": timezone.now(),
            }  # fmt: skip
            rows.append([values[f] for f in fields])
    with clock(timings, "COPY the cases"), transaction.atomic():
        quote = connection.ops.quote_name
        sql = (
            f"COPY {quote(Case._meta.db_table)} ({', '.join(quote(f) for f in fields)}) FROM STDIN"
        )
        with connection.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
    with clock(timings, "VACUUM ANALYZE"), connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(Case._meta.db_table)}")
    return len(rows)
