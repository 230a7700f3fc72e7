"""The mask policy (core/masking.py) for the pages: `{{ person|birth_year }}` and
`{{ person|age }}` where the ID number is masked, never the birth date."""

from django import template

from gonghui.core import masking

register = template.Library()


@register.filter
def birth_year(obj):
    return masking.birth_year(obj)


@register.filter
def age(obj):
    return masking.age(obj)
