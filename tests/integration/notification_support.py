"""Test support for notifications: the topic and key on moto, a real local webhook receiver, and
SQS events carrying bus events, built from the samples in events/."""

import json
import select
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.conftest import load_event
from tests.lambda_context import FakeLambdaContext


@dataclass
class ReceivedRequest:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class WebhookReceiver:
    """An HTTP server on 127.0.0.1 that records what it receives; `failures_left` requests are
    answered 500 before it starts answering 204."""

    failures_left: int = 0
    received: list[ReceivedRequest] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/casetrail"

    def start(self) -> "WebhookReceiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if receiver.failures_left > 0:
                    receiver.failures_left -= 1
                    self.send_response(500)
                else:
                    receiver.received.append(ReceivedRequest(self.path, dict(self.headers.items()), body))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args):  # keep test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def sqs_event(*details: dict) -> dict:
    """An SQS event as the consumer receives it: one record per bus event detail."""
    sample = load_event("sqs/case_reassigned.json")
    template = sample["Records"][0]
    records = []
    for index, detail in enumerate(details):
        envelope = json.loads(template["body"])
        envelope["detail"] = detail
        records.append({**template, "messageId": f"message-{index}", "body": json.dumps(envelope)})
    return {"Records": records}


def reassignment_detail() -> dict:
    return json.loads(load_event("sqs/case_reassigned.json")["Records"][0]["body"])["detail"]


def consume(event: dict) -> dict:
    from casetrail.handlers.notification_consumer import handler

    return handler(event, FakeLambdaContext())


class TricklingReceiver:
    """A webhook receiver on 127.0.0.1 that accepts one request and answers it one byte at a time
    (each byte well within a socket read timeout). It stops itself: when the client hangs up, when
    its answer is sent, or when no request comes within a few seconds.

    `other_received_while_trickling` tells whether `other` had already got its request while this
    one was still being held (checked when this one's client gave up, or when the answer was out)."""

    ANSWER = b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"
    SECONDS_PER_BYTE = 0.2
    ACCEPT_WITHIN_SECONDS = 10

    def __init__(self, other: WebhookReceiver):
        self._other = other
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(self.ACCEPT_WITHIN_SECONDS)
        self.requests = 0
        self.hung_up_on = False
        self.other_received_while_trickling = False
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}/slow"

    def start(self) -> "TricklingReceiver":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._thread.join(self.ACCEPT_WITHIN_SECONDS + len(self.ANSWER) * self.SECONDS_PER_BYTE)
        self._listener.close()

    def _serve(self) -> None:
        try:
            connection, _ = self._listener.accept()
        except OSError:
            return
        with connection:
            _read_request(connection)
            self.requests += 1
            for byte in self.ANSWER:
                readable, _, _ = select.select([connection], [], [], self.SECONDS_PER_BYTE)
                if readable and not connection.recv(1):  # the client hung up
                    self.hung_up_on = True
                    break
                try:
                    connection.sendall(bytes([byte]))
                except OSError:
                    self.hung_up_on = True
                    break
            self.other_received_while_trickling = bool(self._other.received)


def _read_request(connection: socket.socket) -> bytes:
    """Headers and the whole body: what is left unread would look like the client talking."""
    connection.settimeout(5)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")), 0)
    while len(body) < length:
        chunk = connection.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body
