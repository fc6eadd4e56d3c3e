"""An HTTP client of the local runner, as a developer's script would be: JSON in and out, the demo
key unless told otherwise."""

import json
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.error import HTTPError

REPO_ROOT = Path(__file__).resolve().parents[2]
API_KEY = "ctk_e2e-fixed-demo-key-0123456789"  # the runner's demo tenant's key (CASETRAIL_API_KEY)
EVENT_TIMEOUT_SECONDS = 10


@dataclass
class Reply:
    status: int
    headers: Any
    body: Any


class Client:
    def __init__(self, url: str, api_key: str = API_KEY):
        self.url = url
        self.api_key = api_key

    def call(
        self, method: str, path: str, body: Any = None, headers: dict | None = None, api_key: str | None = ""
    ) -> Reply:
        """api_key: this client's key unless given; None sends no Authorization header."""
        api_key = self.api_key if api_key == "" else api_key
        request = urllib.request.Request(
            self.url + path,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={
                "Content-Type": "application/json",
                **({"Authorization": f"Bearer {api_key}"} if api_key else {}),
                **(headers or {}),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return Reply(response.status, response.headers, _parse(response))
        except HTTPError as error:
            return Reply(error.code, error.headers, _parse(error))

    def recent_events(self) -> list[dict]:
        """The event details the bus carried for this client's tenant, newest first (the runner's tap)."""
        reply = self.call("GET", "/events/recent?limit=200")
        assert reply.status == 200, reply.body
        return [event["detail"] for event in reply.body["items"]]

    def wait_for_events(
        self, wanted: Callable[[dict], bool], count: int = 1, timeout: float = EVENT_TIMEOUT_SECONDS
    ) -> list[dict]:
        """The events matching `wanted` once at least `count` of them reached the bus, or all
        matching ones seen when the timeout passed."""
        deadline = time.monotonic() + timeout
        while True:
            found = [event for event in self.recent_events() if wanted(event)]
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.2)


def _parse(response) -> Any:
    raw = response.read()
    if "json" in (response.headers.get("Content-Type") or ""):
        return json.loads(raw)
    return raw.decode()
