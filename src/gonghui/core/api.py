"""What every API endpoint shares: permission, pagination and the scoped base of every
viewset (errors: api_errors.py)."""

from django.utils.translation import gettext as _
from rest_framework import exceptions, permissions
from rest_framework.pagination import CursorPagination


class ScopedPermission(permissions.BasePermission):
    """Signed in to read; a role that may edit to write. Scope is enforced by querysets."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return request.method in permissions.SAFE_METHODS or user.can_edit


class IdCursorPagination(CursorPagination):
    """Stable pages over tables of millions: a cursor on the primary key, not an offset."""

    ordering = "pk"
    page_size_query_param = "page_size"
    max_page_size = 500

    def decode_cursor(self, request):
        # DRF answers a cursor it cannot read with 404; it is bad input, named like any other.
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound:
            raise exceptions.ValidationError(
                {self.cursor_query_param: _("Not a cursor this list gave out.")}, code="invalid"
            ) from None


# Imported here, not above: DRF's views read the default permission and pagination classes
# (defined above, in this module) when they are first imported.
from rest_framework import viewsets  # noqa: E402


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
