"""The header cell of a sortable column: a link that sorts by it, ascending first, then
descending; the column the list is sorted by carries an arrow and aria-sort."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def sort_header(listing, key, label, css=""):
    if listing is None or key not in listing.sorts:
        return format_html('<th class="{}">{}</th>', css, label)
    current = listing.sort == key
    descending = current and not listing.descending
    aria = ("descending" if listing.descending else "ascending") if current else "none"
    arrow = ("▼" if listing.descending else "▲") if current else ""
    url = listing.url(sort=f"-{key}" if descending else key)
    return format_html(
        '<th class="{}" aria-sort="{}"><a class="sort" href="{}">{}'
        '<span class="arrow">{}</span></a></th>',
        css,
        aria,
        url,
        label,
        arrow,
    )
