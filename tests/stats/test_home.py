"""The work-start home page: to-dos with counts that link to their queues and go down as
the work is done, headline figures that count what their lists show, their definitions,
and a grassroots union's own union, members and employer."""

import datetime
import re

import pytest
from django.test import Client
from stdnum.cn import ric

from gonghui.jobs.models import Job
from gonghui.members import services as member_services
from gonghui.members.models import Membership
from gonghui.unions import services

pytestmark = pytest.mark.django_db


def employer(actor, name, local, covering=None, staff=30):
    data = {"name": name, "region": "510104", "industry": "C", "local_union": local.code}
    data |= {"covering_union": covering.code if covering else "", "employee_count": staff}
    return services.create_employer(actor, data)


def make_id(seq):
    body = "510104" + "19850512" + seq
    return body + ric.calc_check_digit(body + "0")


def apply(union, seq, form="standard"):
    data = {"name": f"申请{seq}", "id_number": make_id(seq), "phone": f"1390000{seq:0>4}",
            "union": union.code, "employment_form": form}  # fmt: skip
    if form == "gig":
        data["platform"] = "food_delivery"
    return member_services.submit_application(data, consent=True)


def figures(client):
    """{figure key: (shown value, link)} of the home page."""
    page = client.get("/").content.decode()
    found = re.findall(
        r'<a class="card" href="([^"]*)" data-figure="([a-z_]+)"><span class="num">([^<]*)</span>',
        page,
    )
    return {key: (value, link.replace("&amp;", "&")) for link, key, value in found}


def todos(client):
    page = client.get("/").content.decode()
    found = re.findall(
        r'data-todo="([a-z_]+)"><a href="([^"]*)"><span class="num">(\d+)</span>', page
    )
    return {key: (int(n), link.replace("&amp;", "&")) for key, link, n in found}


def listed(client, link):
    """The count a list page shows in its pager."""
    page = client.get(link).content.decode()
    return int(re.search(r'<span class="count">\D*([\d,]+)', page).group(1).replace(",", ""))


def test_the_formation_rate_counts_what_the_employer_list_shows(tree, root_admin, client):
    employer(root_admin, "春熙百货", tree.street, tree.grassroots)  # large, with a union
    employer(root_admin, "锦江小面馆", tree.county, staff=8)  # small: not in the rate
    employer(root_admin, "锦江机械厂", tree.county)  # large, no union
    employer(root_admin, "锦江印刷厂", tree.county, tree.sibling_grassroots)  # covered elsewhere
    employer(root_admin, "青羊物流", tree.sibling, tree.grassroots)  # covered by ours
    client.force_login(tree.xian)
    shown = figures(client)
    assert shown["employers"][0] == "5"
    assert shown["formation_rate"][0] == "75%"  # 春熙, 印刷厂, 青羊物流 of the 4 large
    assert listed(client, shown["employers"][1]) == 5


def test_no_large_employer_shows_a_dash_not_a_rate(tree, client):
    client.force_login(tree.jiceng)
    assert figures(client)["formation_rate"][0] == "—"


@pytest.mark.parametrize("who", ["sheng", "xian", "jiceng", "ro"])
def test_every_figure_counts_what_its_list_shows(tree, root_admin, who):
    employer(root_admin, "春熙百货", tree.street, tree.grassroots, staff=214)
    for seq in ("101", "102", "103"):
        member_services.approve_application(tree.xian, apply(tree.grassroots, seq))
    gig = member_services.approve_application(tree.xian, apply(tree.grassroots, "104", "gig"))
    old = member_services.approve_application(tree.xian, apply(tree.grassroots, "105"))
    Membership.objects.filter(pk=old.membership.pk).update(joined_on=datetime.date(2019, 3, 1))
    member_services.change_membership_status(tree.xian, gig.membership, "left")
    apply(tree.grassroots, "106")  # pending: not a member
    client = Client()
    client.force_login(getattr(tree, who))
    shown = figures(client)
    assert set(shown) >= {"members", "new_members", "gig_members", "unions", "employers",
                          "open_files"}  # fmt: skip
    for key, (value, link) in shown.items():
        if key != "formation_rate":
            assert int(value) == listed(client, link), key
    assert shown["members"][0] == "4"  # 101-103 and 105; 104 left
    assert shown["new_members"][0] == "3"
    assert shown["gig_members"][0] == "0"


def test_the_definitions_are_on_the_page(tree, client):
    client.force_login(tree.xian)
    page = client.get("/").content.decode()
    assert '<details class="definitions">' in page
    assert page.count("<dt>") >= 7


def test_a_grassroots_union_sees_its_own_union_members_and_employer(tree, root_admin, client):
    employer(root_admin, "成都春熙百货有限公司", tree.street, tree.grassroots, staff=214)
    member_services.approve_application(tree.jiceng, apply(tree.grassroots, "201"))
    client.force_login(tree.jiceng)
    page = client.get("/").content.decode()
    own = page.split('id="own-title"')[1].split("</section>")[0]
    assert tree.grassroots.name in own and tree.grassroots.code in own
    assert "成都春熙百货有限公司" in own and "214" in own
    assert re.search(r"current=true\">1<", own)
    assert figures(client)["employers"][0] == "1"  # not 0, as the list shows its employer


def test_the_review_to_do_counts_down_as_applications_are_approved(tree, client):
    first, second = apply(tree.grassroots, "301"), apply(tree.grassroots, "302")
    client.force_login(tree.xian)
    count, link = todos(client)["join_applications"]
    assert count == 2 and link == "/members/applications/"
    assert first.number in client.get(link).content.decode()
    client.post("/members/applications/approve/", {"application": [first.pk]})
    assert todos(client)["join_applications"][0] == 1
    client.post(f"/members/applications/{second.pk}/reject/", {"reason": "信息不全"})
    assert todos(client)["join_applications"][0] == 0


def test_read_only_staff_get_no_queue_they_cannot_act_on(tree, client):
    apply(tree.grassroots, "401")
    client.force_login(tree.ro)
    assert "join_applications" not in todos(client)
    assert "jobs_finished" in todos(client)  # their own exports


def test_transfer_to_dos_link_to_the_step_that_is_ours(tree, client):
    m = member_services.approve_application(tree.xian, apply(tree.grassroots, "501")).membership
    transfer = member_services.request_transfer(tree.xian, m, tree.street.code)
    client.force_login(tree.jiceng)
    count, link = todos(client)["transfers_to_release"]
    assert count == 1 and "state=ours" in link and "box=out" in link
    client.post(f"/members/transfers/{transfer.pk}/release/", {"box": "out"})
    assert todos(client)["transfers_to_release"][0] == 0
    client.force_login(tree.xian)
    count, link = todos(client)["transfers_to_receive"]
    assert count == 1
    assert m.person.name in client.get(link).content.decode()


def test_a_finished_job_is_a_to_do_until_its_owner_opens_it(tree, client):
    job = Job.objects.create(
        user=tree.xian, kind=Job.Kind.EXPORT, subject="members", status=Job.Status.SUCCEEDED,
        finished_at=datetime.datetime.now(datetime.UTC),
    )  # fmt: skip
    Job.objects.create(user=tree.jiceng, kind=Job.Kind.EXPORT, subject="members",
                       status=Job.Status.SUCCEEDED)  # another user's  # fmt: skip
    client.force_login(tree.xian)
    assert todos(client)["jobs_finished"] == (1, "/jobs/")
    client.get(f"/jobs/{job.pk}/")
    assert todos(client)["jobs_finished"][0] == 0
