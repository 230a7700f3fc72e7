"""A closing union's hardship files, campaigns and records pass to its successor
(assistance/closing.py, registered with unions/closing.py)."""

import pytest
from households import filed, make_id, member

from gonghui.assistance.models import AssistanceRecord, Campaign, HardshipFile
from gonghui.assistance.services import campaigns, records
from gonghui.core.models import AuditEvent
from gonghui.core.timeline import timeline
from gonghui.unions import closing, services
from gonghui.unions.models import TradeUnion

pytestmark = pytest.mark.django_db
WINTER = {"season": "winter", "budget": "20000", "starts_on": "2026-12-01",
          "ends_on": "2027-02-28"}  # fmt: skip


@pytest.fixture
def work(tree):
    """A filed household of the grassroots union, a campaign of its own and a payment."""
    member(tree, 1)
    w = type("Work", (), {})()
    w.file = filed(tree, 1)
    w.campaign = campaigns.create(tree.jiceng, {**WINTER, "name": "春熙百货冬送温暖"})
    w.record = records.record(
        tree.jiceng,
        {"campaign": w.campaign.pk, "file": w.file.pk, "name": "曾小凡", "id_number": make_id(1),
         "amount": "800", "given_on": "2026-12-03"},
    )  # fmt: skip
    return w


def refreshed(*objs):
    for obj in objs:
        obj.refresh_from_db()
    return objs


@pytest.mark.parametrize("close", ["merge", "dissolve"])
def test_files_campaigns_and_records_pass_to_the_successor(tree, root_admin, work, close):
    if close == "merge":
        services.merge_union(root_admin, tree.grassroots, tree.sibling_grassroots.code)
    else:
        services.dissolve_union(
            root_admin, tree.grassroots, tree.sibling_grassroots.code, note="企业关闭"
        )
    for obj in refreshed(work.file, work.campaign, work.record):
        assert obj.union == tree.sibling_grassroots
        [moved] = [e for e in timeline(obj) if e.action == AuditEvent.Action.MOVE]
        assert moved.changes["union"] == [str(tree.grassroots), str(tree.sibling_grassroots)]
        assert tree.grassroots.name in moved.note and moved.actor == root_admin
    # The successor's branch sees them now; the closed union's old branch no longer does.
    for model, obj in ((HardshipFile, work.file), (Campaign, work.campaign),
                       (AssistanceRecord, work.record)):  # fmt: skip
        assert model.objects.visible_to(tree.other).filter(pk=obj.pk).exists()
        assert not model.objects.visible_to(tree.xian).filter(pk=obj.pk).exists()


def test_a_running_campaign_needs_a_successor(tree, root_admin):
    empty = services.create_union(
        root_admin,
        {"code": "5101040188", "name": "锦江区某某公司工会", "kind": "grassroots",
         "region": "510104", "parent": tree.county.code},
    )  # fmt: skip
    campaign = campaigns.create(tree.xian, {**WINTER, "name": "冬送温暖", "union": empty.pk})
    with pytest.raises(services.ValidationError) as refused:
        services.dissolve_union(root_admin, empty, note="企业关闭")
    assert "1 个未结束的帮扶活动" in str(refused.value.message_dict["successor"])
    empty.refresh_from_db()
    campaign.refresh_from_db()
    assert empty.status == TradeUnion.Status.ACTIVE and campaign.union == empty


def test_the_successor_cannot_take_a_second_allocation_of_one_campaign(tree, root_admin, work):
    city = campaigns.create(root_admin, {**WINTER, "name": "成都市冬送温暖", "budget": "90000",
                                         "union": tree.city.pk})  # fmt: skip
    mine = campaigns.allocate(root_admin, city, {"union": tree.grassroots.pk, "budget": "100"})
    campaigns.allocate(root_admin, city, {"union": tree.sibling_grassroots.pk, "budget": "100"})
    with pytest.raises(services.ValidationError) as refused:
        services.merge_union(root_admin, tree.grassroots, tree.sibling_grassroots.code)
    assert "成都市冬送温暖" in str(refused.value.message_dict["successor"])
    for obj in refreshed(mine, work.file, tree.grassroots):
        assert obj.union == tree.grassroots if obj is not tree.grassroots else obj.is_active


def test_a_failing_handler_rolls_the_whole_close_back(tree, root_admin, work, monkeypatch):
    def fails(actor, union, successor):
        raise RuntimeError("a later app failed")

    monkeypatch.setattr(closing, "_handlers", dict(closing._handlers))
    closing.register("zz-failing", fails, order=999)
    events = AuditEvent.objects.count()
    with pytest.raises(RuntimeError):
        services.merge_union(root_admin, tree.grassroots, tree.sibling_grassroots.code)
    refreshed(tree.grassroots, work.file, work.campaign)
    assert tree.grassroots.is_active
    assert work.file.union == work.campaign.union == tree.grassroots
    assert tree.grassroots.memberships.current().count() == 1
    assert AuditEvent.objects.count() == events


def test_the_apps_register_in_order():
    assert [h.app for h in closing.handlers()][:2] == ["members", "assistance"]
