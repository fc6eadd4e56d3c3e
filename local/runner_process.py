"""`make run`'s runner as a child process on free ports, for the end-to-end tests and the runner
benchmark: they drive it over HTTP from another process, as a developer's client would."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.error import HTTPError, URLError

REPO_ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT_SECONDS = 30  # a busy 2-core machine can take this long to import everything
STOP_TIMEOUT_SECONDS = 20  # it finishes the calls in flight first


class RunnerDidNotStart(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RunnerProcess:
    """Started on entry (returns once the API answers), stopped with SIGTERM on exit."""

    def __init__(self, api_key: str, environment: dict[str, str] | None = None):
        self.port, self.moto_port = free_port(), free_port()
        self._environment = {
            **os.environ,
            **(environment or {}),
            "PORT": str(self.port),
            "MOTO_PORT": str(self.moto_port),
            "CASETRAIL_API_KEY": api_key,
            "PYTHONPATH": os.pathsep.join(["functions", "."]),
        }
        self._output = tempfile.TemporaryFile()
        self._process: subprocess.Popen | None = None
        self.exit_code: int | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "RunnerProcess":
        self._process = subprocess.Popen(
            [sys.executable, "-m", "local.run"],
            cwd=REPO_ROOT,
            env=self._environment,
            stdout=self._output,
            stderr=subprocess.STDOUT,
        )
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *_) -> None:
        self.stop()

    def stop(self) -> None:
        """SIGTERM, as Ctrl-C would; killed if it does not stop in time. Sets exit_code."""
        if self._process is not None and self.exit_code is None:
            self._process.terminate()
            try:
                self.exit_code = self._process.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:  # never leave a runner behind: its caller sees the exit code
                self._process.kill()
                self.exit_code = self._process.wait()

    def output(self) -> str:
        """What the runner printed so far (events, notifications, errors)."""
        self._output.seek(0)
        return self._output.read().decode(errors="replace")

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline and self._process.poll() is None:
            try:
                # Any answer from the gateway (401 without a key) means the runner is serving.
                urllib.request.urlopen(f"{self.url}/events/recent", timeout=2).close()
                return
            except HTTPError:
                return
            except (URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        raise RunnerDidNotStart(f"the local runner did not become ready:\n{self.output()}")
