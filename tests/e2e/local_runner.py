"""`make run`'s runner started by a test (a child process on free ports with a fixed demo key), and
a client of it, as a developer's script would be: JSON in and out, the demo key unless told otherwise."""

import dataclasses
import json
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.error import HTTPError

from local.runner_process import REPO_ROOT, RunnerProcess

__all__ = ["API_KEY", "EVENT_TIMEOUT_SECONDS", "REPO_ROOT", "Reply", "Runner", "local_runner"]

API_KEY = "ctk_e2e-fixed-demo-key-0123456789"  # the demo tenant's supervisor key (CASETRAIL_API_KEY)
EVENT_TIMEOUT_SECONDS = 10


@dataclass
class Reply:
    status: int
    headers: Any
    body: Any


@dataclass
class Runner:
    url: str
    moto_port: int
    api_key: str = API_KEY
    output: Callable[[], str] = lambda: ""  # what the runner has printed so far

    def as_caller(self, api_key: str) -> "Runner":
        """The same runner, called with another key (another tenant or principal)."""
        return dataclasses.replace(self, api_key=api_key)

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
            with urllib.request.urlopen(request, timeout=30) as response:
                return Reply(response.status, response.headers, _parse(response))
        except HTTPError as error:
            return Reply(error.code, error.headers, _parse(error))

    def recent_events(self) -> list[dict]:
        """The details of the events the bus carried for this caller's tenant, newest first (the runner's tap)."""
        reply = self.call("GET", "/events/recent?limit=200")
        assert reply.status == 200, reply.body
        return [event["detail"] for event in reply.body["items"]]

    def listed(self, path: str, case_id: str, timeout: float = EVENT_TIMEOUT_SECONDS) -> bool:
        """Whether the case shows in the list at `path` once the search index caught up with it
        (GET /cases beyond one customer's, assignee's or queue's cases is eventually consistent)."""
        deadline = time.monotonic() + timeout
        while True:
            reply = self.call("GET", path)
            assert reply.status == 200, reply.body
            if case_id in [case["caseId"] for case in reply.body["items"]]:
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.1)

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
    return json.loads(raw) if "json" in (response.headers.get("Content-Type") or "") else raw.decode()


@contextmanager
def local_runner() -> Iterator[Runner]:
    """Starts `python -m local.run` (what `make run` runs) and stops it with SIGTERM afterwards,
    which it must survive cleanly. What it printed is shown by pytest when a test failed."""
    with RunnerProcess(api_key=API_KEY) as process:
        try:
            yield Runner(process.url, process.moto_port, output=process.output)
        finally:
            process.stop()
            print(process.output())
    assert process.exit_code == 0, f"the runner did not stop cleanly on SIGTERM (exit code {process.exit_code})"
