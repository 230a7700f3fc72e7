"""The API's router (kept apart from api.py: DRF's routers import its views, which import
the permission and pagination classes of api.py)."""

from rest_framework.routers import DefaultRouter


class Router(DefaultRouter):
    """Records are named by their integer key in paths (unless a viewset says otherwise): a
    key that is no number (abc) or too long for the database (20 digits) matches no route,
    so the answer is a 404, never a database error."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._default_value_pattern = "[0-9]{1,18}"
