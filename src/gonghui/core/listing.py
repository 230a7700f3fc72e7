"""One way every web list sorts and pages: `?sort=` a declared column (``-`` for
descending), `?page=` a page number, `?per_page=` one of PAGE_SIZES. All three live in the
URL beside the filters, so a link, a reload or an export ("export what I see") keeps them.

A view declares its sortable columns once and gets a page and a Listing for the template:

    listing = Listing(request, qs, sorts={"joined_on": ("joined_on",), ...}, default="-joined_on")
    render(..., {"page": listing.page, "listing": listing})

Headers are drawn with ``{% sort_header listing "joined_on" _("join date") %}`` (core/
templatetags/listing.py); the pager (core/_pager.html) has the count, first and last, a
page jump and the page size.
"""

from django.core.paginator import Paginator

PAGE_SIZES = (20, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50


def ordering(sorts, value, default):
    """(key, descending, order_by fields) for ?sort=value, unknown keys falling back to the
    default; the primary key breaks ties so pages never overlap."""
    for candidate in (value or "", default):
        descending = candidate.startswith("-")
        key = candidate.removeprefix("-")
        if key in sorts:
            fields = [_flip(f) if descending else f for f in sorts[key]]
            fields.append("-pk" if descending else "pk")
            return key, descending, fields
    raise ValueError(f"the default sort {default!r} is not among {list(sorts)}")


def _flip(field):
    return field[1:] if field.startswith("-") else f"-{field}"


def page_size(value, default=DEFAULT_PAGE_SIZE):
    try:
        size = int(value)
    except (TypeError, ValueError):
        return default
    return size if size in PAGE_SIZES else default


class Listing:
    """A sorted, paged list for a web page; `sorts` maps a column key to its order fields."""

    def __init__(self, request, queryset, sorts=None, default=None, per_page=DEFAULT_PAGE_SIZE):
        self.query = request.GET
        self.sorts = sorts or {}
        if self.sorts:
            self.sort, self.descending, fields = ordering(
                self.sorts, self.query.get("sort"), default
            )
            queryset = queryset.order_by(*fields)
        else:
            self.sort, self.descending = None, False
        self.per_page = page_size(self.query.get("per_page"), per_page)
        self.page = Paginator(queryset, self.per_page).get_page(self.query.get("page"))

    def url(self, **changes):
        """This list's query string with `changes` (None removes a key); a new sort or page
        size goes back to page 1."""
        query = self.query.copy()
        if "sort" in changes or "per_page" in changes:
            query.pop("page", None)
        for key, value in changes.items():
            query.pop(key, None)
            if value is not None:
                query[key] = value
        return f"?{query.urlencode()}"

    @property
    def page_link(self):
        """The query without its page, ready for ``page=N`` to be appended."""
        query = self.query.copy()
        query.pop("page", None)
        return f"?{query.urlencode()}&" if query else "?"

    @property
    def kept(self):
        """(name, value) of the query's parameters but page and page size: the hidden
        fields of the page-jump form, so a jump keeps the filters and the sort."""
        return [
            (k, v) for k, values in self.query.lists() if k not in ("page", "per_page")
            for v in values
        ]  # fmt: skip

    sizes = PAGE_SIZES
