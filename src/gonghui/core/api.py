"""What every API endpoint shares: the scoped base of every viewset, permission and
pagination (those two live in api_defaults.py, which settings name; errors: api_errors.py)."""

from rest_framework import viewsets

from gonghui.core.api_defaults import IdCursorPagination, ScopedPermission

__all__ = ["IdCursorPagination", "ScopedPermission", "ScopedViewSet"]


class ScopedViewSet(viewsets.GenericViewSet):
    """The base of every API viewset over records (DESIGN rule 1): its queryset starts from
    `model.objects.visible_to(request.user)`, so no viewset can forget the caller's scope.

    A subclass names its `model` and narrows or annotates in `scoped(queryset)`; it may not
    define `get_queryset` (or a `queryset` attribute), which would reach past the scope:
    that is refused when the class is made. A viewset over no model's rows that is
    deliberately not one of these says why in `unscoped` (a sentence);
    tests/core/test_scoped_viewsets.py accepts only the two kinds.
    """

    model = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in ("get_queryset", "queryset"):
            if name in cls.__dict__:
                raise TypeError(
                    f"{cls.__name__} defines {name}: narrow the scoped queryset in scoped()"
                )
        if cls.model is None or not hasattr(cls.model.objects.all(), "visible_to"):
            raise TypeError(f"{cls.__name__} needs a model whose queryset has visible_to(user)")

    def get_queryset(self):
        return self.scoped(self.model.objects.visible_to(self.request.user))

    def scoped(self, queryset):
        """Narrow, join or annotate the caller's visible rows; the default keeps them all."""
        return queryset
