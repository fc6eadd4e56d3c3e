"""The local runner's front door (runner routes, the emulated API Gateway with its authorizer, the
real handlers) as a WSGI application, so an HTTP client library can drive it in process."""

from urllib.parse import quote

from local.http_adapter import HttpRequest
from local.runner_routes import RunnerRoutes


class WsgiGateway:
    def __init__(self, routes: RunnerRoutes):
        self._routes = routes
        self.statuses: list[int] = []  # of every response, in order

    def __call__(self, environ, start_response):
        raw_uri = environ.get("RAW_URI") or quote(environ.get("PATH_INFO", "/"))
        path, _, query = raw_uri.partition("?")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        headers = [(key[5:].replace("_", "-").title(), value) for key, value in environ.items() if key.startswith("HTTP_")]
        if environ.get("CONTENT_TYPE"):
            headers.append(("Content-Type", environ["CONTENT_TYPE"]))
        request = HttpRequest(
            method=environ["REQUEST_METHOD"],
            path=path or "/",
            query=query,
            headers=tuple(headers),
            body=environ["wsgi.input"].read(length) if length else b"",
            source_ip=environ.get("REMOTE_ADDR") or "127.0.0.1",
        )
        response = self._routes(request)
        self.statuses.append(response.status)
        start_response(f"{response.status} {_reason(response.status)}", list(response.headers))
        return [response.body]


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
