"""The HTTP transport: a threading server from the standard library that turns each request into an
HttpRequest, asks a router for an HttpResponse and writes it back.

The standard library, not a web framework: it needs no extra server dependency, and the real
handlers run unchanged behind it since all they ever see is the API Gateway event.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str  # raw, as sent (still percent-encoded)
    query: str  # raw query string, without "?"
    headers: tuple[tuple[str, str], ...]  # in order, repeated names kept
    body: bytes
    source_ip: str

    def header(self, name: str) -> str | None:
        """The last value of a header, matched case-insensitively."""
        values = [v for k, v in self.headers if k.lower() == name.lower()]
        return values[-1] if values else None


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""


Router = Callable[[HttpRequest], HttpResponse]

# Set by this server from the body it writes.
_HOP_BY_HOP_HEADERS = {"content-length", "transfer-encoding", "connection"}


class _Server(ThreadingHTTPServer):
    # The standard library's listen backlog is 5: a sixth client connecting at the same moment (a
    # burst of parallel requests, as API Gateway takes them) would be reset before it is served.
    request_queue_size = 128


class HttpServer:
    def __init__(self, port: int):
        # Bound at once, so a busy port fails before anything else starts.
        try:
            self._server = _Server(("127.0.0.1", port), _RequestHandler)
        except OSError as error:
            raise RuntimeError(f"cannot listen on port {port} ({error.strerror}): set PORT") from error
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self, router: Router) -> None:
        self._server.router = router
        self._thread.start()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()


class _RequestHandler(BaseHTTPRequestHandler):
    def _handle(self) -> None:
        target = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        request = HttpRequest(
            method=self.command,
            path=target.path or "/",
            query=target.query,
            headers=tuple(self.headers.items()),
            body=self.rfile.read(length) if length else b"",
            source_ip=self.client_address[0],
        )
        response = self.server.router(request)
        self.send_response(response.status)
        for name, value in response.headers:
            if name.lower() not in _HOP_BY_HOP_HEADERS:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _handle
