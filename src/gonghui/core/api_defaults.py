"""The API's default permission and pagination classes, named in settings.REST_FRAMEWORK.

Kept apart from api.py: DRF's views read these defaults when they are first imported, and
api.py imports DRF's viewsets, which import those views.
"""

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
