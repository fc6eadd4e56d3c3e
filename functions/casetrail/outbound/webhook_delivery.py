"""Sends one signed webhook request, connecting only to the address the SSRF check approved.

http.client rather than urllib.request: urllib resolves the host again when it connects, which
would reopen the DNS-rebinding window the check closed, and it follows redirects (to anywhere).
Here the socket goes to the vetted IP while TLS still verifies the certificate for the host name.
"""

import http.client
import socket
import ssl

from casetrail.outbound.webhook_urls import VettedUrl

TIMEOUT_SECONDS = 4  # connect and each read; a batch of 10 slow receivers still fits the function's 30 s


class WebhookRejected(Exception):
    """The receiver could not be reached or did not answer 2xx: worth retrying later."""


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, address: str, host: str, port: int, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, address: str, host: str, port: int, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(target: VettedUrl, body: bytes, headers: dict[str, str], timeout: float = TIMEOUT_SECONDS) -> int:
    connection_type = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = connection_type(target.address, target.host, target.port, timeout)
    try:
        connection.request("POST", target.path, body=body, headers={"Content-Type": "application/json", **headers})
        response = connection.getresponse()
        response.read(64 * 1024)  # drain a little so the connection closes cleanly; the body is ignored
    except (OSError, http.client.HTTPException) as error:
        raise WebhookRejected(f"{type(error).__name__} while posting to {target.host}") from error
    finally:
        connection.close()
    if not 200 <= response.status < 300:
        raise WebhookRejected(f"{target.host} answered {response.status}")
    return response.status
