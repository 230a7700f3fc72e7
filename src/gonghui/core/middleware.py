from gonghui.core.client_address import client_address
from gonghui.core.context import request_context


class RequestContextMiddleware:
    """Gives every request an id (echoed in X-Request-ID) that audit events carry."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        via = "api" if request.path.startswith("/api/") else "web"
        with request_context(ip=client_address(request), via=via) as ctx:
            request.request_id = ctx.request_id
            response = self.get_response(request)
        response["X-Request-ID"] = ctx.request_id
        return response
