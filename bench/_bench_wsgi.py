"""The WSGI application benchmarks serve with gunicorn: the project's, plus the trivial views.

    gunicorn --pythonpath bench _bench_wsgi:application ...

Settings come from gonghui.settings (and so from the environment) as in `gonghui serve`; the
only change is ROOT_URLCONF, set to the project's URLs plus the trivial baseline views of
_bench.py before the first request is served.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
application = get_wsgi_application()  # sets Django up, so DRF views can be imported now

from _bench import urlconf_with_trivial_view  # noqa: E402
from django.conf import settings  # noqa: E402

settings.ROOT_URLCONF = urlconf_with_trivial_view()
