"""The API's error format: always {"code", "field", "message"}, a list when several.

Whether DRF, a service (Django's ValidationError) or a lookup (Http404) raised
it. Kept apart from api.py because DRF imports the exception handler while
its own views module is still loading.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def error(code, field, message):
    return {"code": str(code), "field": field, "message": str(message)}


def flatten(detail, field=None):
    """DRF error detail (nested dicts and lists of ErrorDetail) to a flat list of errors."""
    if isinstance(detail, dict):
        out = []
        for key, value in detail.items():
            name = None if key in ("non_field_errors", "__all__") else key
            out += flatten(value, f"{field}.{name}" if field and name else name or field)
        return out
    if isinstance(detail, list):
        return [e for item in detail for e in flatten(item, field)]
    return [error(getattr(detail, "code", "invalid"), field, detail)]


def django_errors(exc):
    """A Django ValidationError (raised by services) as a flat list of errors."""
    if hasattr(exc, "error_dict"):
        return [
            error(e.code or "invalid", None if field == "__all__" else field, m)
            for field, errs in exc.error_dict.items()
            for e in errs
            for m in e.messages
        ]
    return [error(e.code or "invalid", None, m) for e in exc.error_list for m in e.messages]


def body(errors):
    return errors[0] if len(errors) == 1 else errors


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        return Response(body(django_errors(exc)), status=400)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("No such record."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = body(flatten(exc.detail))
    else:
        response.data = error(getattr(exc.detail, "code", exc.default_code), None, exc.detail)
    return response
