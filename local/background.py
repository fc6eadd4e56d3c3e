"""A daemon thread that loops until the runner's stop event is set: the shape of every poller and
timer of the local runner (they stand in for AWS's own event source mappings and schedules)."""

import threading


class BackgroundLoop:
    def __init__(self, name: str, stopping: threading.Event):
        self._stopping = stopping
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def join(self, timeout: float) -> None:
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        raise NotImplementedError
