"""moto's server (local/moto_server.py) in a process of its own, so the emulation and the functions
calling it do not take turns on one Python interpreter (one core)."""

import os
import select
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT_SECONDS = 30  # a busy 2-core machine can take this long to import moto


class MotoProcess:
    """Started on start() (returns once the port accepts connections), terminated on stop()."""

    def __init__(self, port: int):
        self.port = port
        self._process: subprocess.Popen | None = None

    def start(self) -> None:
        # The server says it is listening on a pipe of its own: a port answering could be another process's.
        ready_read, ready_write = os.pipe()
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "local.moto_server", str(self.port), str(os.getpid()), str(ready_write)],
                cwd=REPO_ROOT,
                env={**os.environ, "PYTHONPATH": os.pathsep.join(["functions", "."])},
                pass_fds=(ready_write,),
            )
        finally:
            os.close(ready_write)
        with os.fdopen(ready_read, "rb") as ready:
            answered, _, _ = select.select([ready], [], [], START_TIMEOUT_SECONDS)
            if answered and ready.read(1) == b"1":
                return
        self.stop()
        raise RuntimeError(f"moto could not start on port {self.port} (exit code {self._process.returncode}): set MOTO_PORT")

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
