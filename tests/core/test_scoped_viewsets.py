"""Every viewset the API router registers starts from visible_to (DESIGN rule 1).

The registry is the router's own, so a viewset added later is checked without a line here.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework import mixins
from rest_framework.test import APIRequestFactory

from gonghui.core.api import ScopedViewSet
from gonghui.members.models import Person
from gonghui.unions.models import TradeUnion
from gonghui.urls import router


def registered():
    return [(prefix, viewset) for prefix, viewset, _ in router.registry]


def test_every_registered_viewset_is_scoped_or_says_why_not():
    wrong = []
    for prefix, viewset in registered():
        if issubclass(viewset, ScopedViewSet):
            continue
        reason = getattr(viewset, "unscoped", "")
        if not (isinstance(reason, str) and len(reason.split()) >= 5):
            wrong.append(f"{prefix}: {viewset.__name__}")
    assert not wrong, f"neither ScopedViewSet nor `unscoped = <reason>`: {wrong}"
    assert len(registered()) >= 13


def test_only_the_reminders_are_declared_unscoped():
    # A new exception is a decision: add it here with the viewset's reason.
    unscoped = {p for p, v in registered() if not issubclass(v, ScopedViewSet)}
    assert unscoped == {"hardship-reminders"}


def test_a_viewset_cannot_reach_past_the_scope():
    with pytest.raises(TypeError, match="get_queryset"):

        class Bad(mixins.ListModelMixin, ScopedViewSet):
            model = Person

            def get_queryset(self):
                return Person.objects.all()

    with pytest.raises(TypeError, match="queryset"):

        class AlsoBad(ScopedViewSet):
            model = Person
            queryset = Person.objects.all()

    with pytest.raises(TypeError, match="visible_to"):

        class NoModel(ScopedViewSet):
            pass


@pytest.mark.django_db
def test_the_queryset_is_the_callers_scope(tree):
    """get_queryset is visible_to(user), narrowed by scoped(): nothing of other branches."""
    request = APIRequestFactory().get("/")
    for user, expected in [
        (tree.xian, TradeUnion.objects.visible_to(tree.xian)),
        (AnonymousUser(), TradeUnion.objects.none()),
    ]:
        request.user = user
        _, viewset, _ = next(r for r in router.registry if r[0] == "unions")
        view = viewset(request=request, action="list", format_kwarg=None, kwargs={})
        got = set(view.get_queryset().values_list("pk", flat=True))
        assert got == set(expected.values_list("pk", flat=True))
    request.user = tree.xian
    view = viewset(request=request, action="list", format_kwarg=None, kwargs={})
    assert tree.sibling.pk not in set(view.get_queryset().values_list("pk", flat=True))
    assert tree.county.pk in set(view.get_queryset().values_list("pk", flat=True))
