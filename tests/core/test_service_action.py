"""core/services.py `service_action`: role, scope and one transaction, checked before the
service runs, on a real service (unions/services.update_union)."""

import pytest
from django.core.exceptions import PermissionDenied

from gonghui.core.models import AuditEvent
from gonghui.core.scope import OutOfScope
from gonghui.core.services import service_action
from gonghui.unions import services
from gonghui.unions.models import TradeUnion

pytestmark = pytest.mark.django_db


def test_a_read_only_role_is_refused_before_anything_is_read(tree):
    with pytest.raises(PermissionDenied):
        services.update_union(tree.ro, tree.grassroots, {"name": "改名"})


def test_a_record_outside_the_scope_is_a_404(tree):
    with pytest.raises(OutOfScope):
        services.update_union(tree.other, tree.grassroots, {"name": "改名"})
    tree.grassroots.refresh_from_db()
    assert tree.grassroots.name != "改名"


def test_the_service_gets_the_row_as_stored_not_the_callers_copy(tree):
    stale = TradeUnion.objects.get(pk=tree.grassroots.pk)
    TradeUnion.objects.filter(pk=stale.pk).update(name="已在别处改名")
    seen = []

    @service_action(scoped="union")
    def look(actor, union):
        seen.append(union.name)

    look(tree.xian, stale)
    assert seen == ["已在别处改名"]


def test_everything_the_service_wrote_is_rolled_back_on_an_error(tree):
    events = AuditEvent.objects.count()

    @service_action(scoped="union")
    def rename_then_fail(actor, union):
        services.update_union(actor, union, {"name": "改了又失败"})
        raise RuntimeError("later step failed")

    with pytest.raises(RuntimeError):
        rename_then_fail(tree.xian, tree.grassroots)
    tree.grassroots.refresh_from_db()
    assert tree.grassroots.name != "改了又失败"
    assert AuditEvent.objects.count() == events
