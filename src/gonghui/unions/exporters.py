"""Exporting the union and employer lists as the user filtered them. The headers are the
importers' own, so an exported list can be corrected and imported again; a union list
adds its status, which an import leaves out."""

from django.utils.translation import gettext_lazy

from gonghui.unions.filters import EmployerFilter, UnionFilter
from gonghui.unions.importers import EMPLOYER_COLUMNS, UNION_COLUMNS
from gonghui.unions.models import Employer, TradeUnion

HEADERS = {c.field: c.header for c in UNION_COLUMNS}
EMPLOYER_HEADERS = {c.field: c.header for c in EMPLOYER_COLUMNS}


def _date(value):
    return value.isoformat() if value else ""


def _code(union):
    return union.code if union else ""


class RegistryExporter:
    """Nothing here is a personal number: there is nothing to reveal."""

    def log_reveal(self, user, job, count):
        pass


class UnionExporter(RegistryExporter):
    subject = "unions"
    title = gettext_lazy("union organisation roster")
    filterset = UnionFilter

    def queryset(self, user):
        return TradeUnion.objects.visible_to(user).select_related("parent")

    def columns(self, reveal):
        """(header, value of a union) for each column, in the import template's order."""
        values = {
            "code": lambda u: u.code,
            "name": lambda u: u.name,
            "kind": lambda u: u.get_kind_display(),
            "parent": lambda u: _code(u.parent),
            "region": lambda u: u.region_id,
            "uscc": lambda u: u.uscc,
            "founded_on": lambda u: _date(u.founded_on),
            "chair": lambda u: u.chair,
            "contact_person": lambda u: u.contact_person,
            "contact_phone": lambda u: u.contact_phone,
            "address": lambda u: u.address,
        }
        return [(c.header, values[c.field]) for c in UNION_COLUMNS] + [
            ("状态", lambda u: u.get_status_display())
        ]

    def text_columns(self, reveal):
        return [HEADERS[f] for f in ("code", "parent", "region", "uscc", "contact_phone")]


class EmployerExporter(RegistryExporter):
    subject = "employers"
    title = gettext_lazy("employer roster")
    filterset = EmployerFilter

    def queryset(self, user):
        return Employer.objects.visible_to(user).select_related("local_union", "covering_union")

    def columns(self, reveal):
        values = {
            "name": lambda e: e.name,
            "uscc": lambda e: e.uscc,
            "region": lambda e: e.region_id,
            "industry": lambda e: e.get_industry_display(),
            "employee_count": lambda e: e.employee_count,
            "address": lambda e: e.address,
            "local_union": lambda e: _code(e.local_union),
            "covering_union": lambda e: _code(e.covering_union),
        }
        return [(c.header, values[c.field]) for c in EMPLOYER_COLUMNS]

    def text_columns(self, reveal):
        fields = ("uscc", "region", "local_union", "covering_union")
        return [EMPLOYER_HEADERS[f] for f in fields]
