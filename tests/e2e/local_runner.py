"""`make run`'s runner started by a test: a subprocess on free ports with a fixed demo key."""

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
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.error import HTTPError, URLError

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
API_KEY = "ctk_e2e-fixed-demo-key-0123456789"
START_TIMEOUT_SECONDS = 15


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

    def call(self, method: str, path: str, body: Any = None, headers: dict | None = None) -> Reply:
        request = urllib.request.Request(
            self.url + path,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.api_key}", **(headers or {})},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return Reply(response.status, response.headers, _parse(response))
        except HTTPError as error:
            return Reply(error.code, error.headers, _parse(error))


def _parse(response) -> Any:
    raw = response.read()
    return json.loads(raw) if "json" in (response.headers.get("Content-Type") or "") else raw.decode()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def local_runner() -> Iterator[Runner]:
    """Starts `python -m local.run` (what `make run` runs) and stops it with SIGTERM afterwards."""
    port, moto_port = _free_port(), _free_port()
    environment = {**os.environ, "PORT": str(port), "MOTO_PORT": str(moto_port), "CASETRAIL_API_KEY": API_KEY}
    environment["PYTHONPATH"] = os.pathsep.join(["functions", "."])
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "local.run"], cwd=REPO_ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            runner = Runner(f"http://127.0.0.1:{port}", moto_port)
            _wait_until_ready(runner, process, output)
            yield runner
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            output.seek(0)
            print(output.read().decode(errors="replace"))  # shown by pytest when a test failed


def _wait_until_ready(runner: Runner, process: subprocess.Popen, output) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if runner.call("GET", "/events/recent").status == 200:
                return
        except (URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    output.seek(0)
    pytest.fail(f"the local runner did not become ready:\n{output.read().decode(errors='replace')}")
