"""No response of the application is kept by a browser or proxy cache.

Pages and API answers carry personal data (names, masked IDs, phones); a shared
computer's cache or an intranet proxy must not keep them. Static files never
reach this middleware: whitenoise answers them first, with their own caching.
"""

from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)  # Cache-Control: no-store, no-cache, private, ...
        return response
