"""What every API endpoint shares: permission and pagination (errors: api_errors.py)."""

from rest_framework import permissions
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
