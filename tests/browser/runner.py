"""The local runner as `make run` starts it, on free ports, for the browser tests; and a small HTTP
client to arrange what a journey starts from (a customer, a case, a task)."""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.error import HTTPError, URLError

REPO_ROOT = Path(__file__).resolve().parents[2]
API_KEY = "ctk_browser-fixed-demo-key-0123456789"
START_TIMEOUT_SECONDS = 20


class Api:
    def __init__(self, url: str):
        self.url = url

    def call(self, method: str, path: str, body: Any = None, headers: dict | None = None) -> Any:
        request = urllib.request.Request(
            self.url + path,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {API_KEY}", "Content-Type": "application/json", **(headers or {})},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                raw = response.read()
        except HTTPError as error:
            raise AssertionError(f"{method} {path}: {error.code} {error.read().decode()}") from error
        return json.loads(raw) if raw else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_casetrail() -> Iterator[Api]:
    port, moto_port = _free_port(), _free_port()
    environment = {**os.environ, "PORT": str(port), "MOTO_PORT": str(moto_port), "CASETRAIL_API_KEY": API_KEY}
    environment["PYTHONPATH"] = os.pathsep.join(["functions", "."])
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "local.run"], cwd=REPO_ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            api = Api(f"http://127.0.0.1:{port}")
            _wait_until_ready(api, process, output)
            yield api
        finally:
            process.terminate()
            process.wait(timeout=30)
            output.seek(0)
            print(output.read().decode(errors="replace")[-5000:])  # shown by pytest when a test failed


def _wait_until_ready(api: Api, process: subprocess.Popen, output) -> None:
    # Polling a starting server's port is not a timed assertion: it is how long we are willing to wait.
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        try:
            api.call("GET", "/events/recent?limit=1")
            return
        except (URLError, ConnectionError, TimeoutError, AssertionError):
            time.sleep(0.1)
    output.seek(0)
    raise RuntimeError(f"the local runner did not become ready:\n{output.read().decode(errors='replace')}")
