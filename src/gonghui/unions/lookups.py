"""The union a page of figures asks about, by code within the asker's scope."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gonghui.core.scope import ALL, scope_path
from gonghui.lib.text import compact_code
from gonghui.unions.models import TradeUnion


def union_for(user, code):
    """The union named by its code, within the user's scope; the user's own union when no
    code is given (None, the whole platform, for a platform administrator without one).
    A code outside the scope reads as one that does not exist."""
    path = scope_path(user)
    code = compact_code(code)
    if not code:
        if path is None or (path != ALL and not user.union_id):
            raise ValidationError({"union": _("This field is required.")})
        return user.union if user.union_id else None
    union = TradeUnion.objects.visible_to(user).filter(code=code).first()
    if union is None:
        raise ValidationError(
            {"union": _("No union with code %(value)s in your scope.") % {"value": code}}
        )
    return union
