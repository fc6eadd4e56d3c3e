"""Sends one signed webhook request, connecting only to the address the SSRF check approved, and
giving up once the request as a whole has taken longer than its deadline.

http.client rather than urllib.request: urllib resolves the host again when it connects, which
would reopen the DNS-rebinding window the check closed, and it follows redirects (to anywhere).
Here the socket goes to the vetted IP while TLS still verifies the certificate for the host name.

A socket timeout bounds each connect and each read, not the request: a receiver trickling one byte
per second never trips it. So a watchdog timer shuts the socket down at the deadline, which ends
whatever read or write is blocked on it (http.client has no total timeout of its own).
"""

import http.client
import socket
import ssl
import threading
import time

from casetrail.outbound.webhook_urls import VettedUrl

TIMEOUT_SECONDS = 4  # connect and each read
DEADLINE_SECONDS = 10.0  # the whole request: connect, TLS, send, status, headers and the body we read


class WebhookRejected(Exception):
    """The receiver could not be reached, did not answer 2xx, or not in time: worth retrying later."""


class _Deadline:
    def __init__(self, seconds: float):
        self._at = time.monotonic() + seconds

    def remaining(self) -> float:
        return max(0.0, self._at - time.monotonic())

    @property
    def passed(self) -> bool:
        return self.remaining() == 0.0


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, address: str, host: str, port: int, timeout: float, deadline: _Deadline):
        super().__init__(host, port, timeout=timeout)
        self._address = address
        self._deadline = deadline

    def connect(self):
        self.sock = self._open_socket()

    def _open_socket(self) -> socket.socket:
        sock = socket.create_connection((self._address, self.port), min(self.timeout, self._deadline.remaining() or 0.001))
        if self._deadline.passed:  # the watchdog fired while connecting, before there was a socket to shut
            sock.close()
            raise TimeoutError("deadline passed while connecting")
        return sock


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    default_port = http.client.HTTPS_PORT

    def __init__(self, address: str, host: str, port: int, timeout: float, deadline: _Deadline):
        super().__init__(address, host, port, timeout, deadline)
        self._context = ssl.create_default_context()

    def connect(self):
        self.sock = self._context.wrap_socket(self._open_socket(), server_hostname=self.host)


def _shut(connection: http.client.HTTPConnection) -> None:
    sock = connection.sock
    if sock is not None:
        try:
            # The plain socket's shutdown, also for a TLS socket: SSLSocket.shutdown would tear down
            # the TLS state under the thread still reading it.
            socket.socket.shutdown(sock, socket.SHUT_RDWR)
        except OSError:
            pass  # already closed


def post(
    target: VettedUrl,
    body: bytes,
    headers: dict[str, str],
    timeout: float = TIMEOUT_SECONDS,
    deadline_seconds: float = DEADLINE_SECONDS,
) -> int:
    deadline = _Deadline(deadline_seconds)
    connection_type = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = connection_type(target.address, target.host, target.port, timeout, deadline)
    watchdog = threading.Timer(deadline_seconds, _shut, args=(connection,))
    watchdog.daemon = True
    watchdog.start()
    try:
        connection.request("POST", target.path, body=body, headers={"Content-Type": "application/json", **headers})
        response = connection.getresponse()
        # A shutdown socket reads as the end of the headers: an answer completed by the watchdog is not one.
        if deadline.passed:
            raise TimeoutError("deadline passed")
        try:
            response.read(64 * 1024)  # drain a little so the connection closes cleanly; the body is ignored
        except (OSError, http.client.HTTPException):
            pass  # the status is what counts, and it is in
    except (OSError, http.client.HTTPException) as error:
        if deadline.passed:
            raise WebhookRejected(f"{target.host} did not answer within {deadline_seconds:g} s") from error
        raise WebhookRejected(f"{type(error).__name__} while posting to {target.host}") from error
    finally:
        watchdog.cancel()
        connection.close()
    if not 200 <= response.status < 300:
        raise WebhookRejected(f"{target.host} answered {response.status}")
    return response.status
