"""The platform's name on every page and tab: a federation names its own deployment
(GONGHUI_PLATFORM_NAME, e.g. 四川工会数字化工作平台); otherwise the translated default."""

from django.conf import settings
from django.utils.translation import gettext as _


def platform(request):
    return {"platform_name": settings.GONGHUI_PLATFORM_NAME or _("Union work platform")}
