"""Scope-walk data of /admin/ (core's audited admin site): its routes name records by
`object_id` (and `id`, `content_type_id`, `app_label`), filled with the other branch's
records the apps registered before. The walking user is no staff member, so every admin
page must send them to the admin login and show nothing."""

from django.contrib.contenttypes.models import ContentType

ORDER = 90  # after every app: it reads their records


def build(tree, root_admin, found):
    keys = [o.pk for o in found.records]
    types = {ContentType.objects.get_for_model(o) for o in found.records}
    found.add(
        object_id=keys,
        id=keys,
        content_type_id=[t.pk for t in types],
        app_label=sorted({t.app_label for t in types}),
    )
