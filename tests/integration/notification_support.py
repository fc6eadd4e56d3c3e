"""Test support for notifications: the topic and key on moto, a real local webhook receiver, and
SQS events carrying bus events, built from the samples in events/."""

import json
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
