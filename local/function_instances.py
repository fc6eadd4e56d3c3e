"""A function run as Lambda runs it under concurrent load: instances in processes of their own, each
taking one event at a time; when every instance is busy, another one is started (a cold start), up to
a limit, after which callers wait for one to be free. Unlike Lambda, one instance starts at a time
(a caller finding one starting waits for it): on a small machine, parallel cold starts only slow
each other down.

The local runner runs its request path (authorizer, API) this way, so concurrent requests are served
in parallel, on as many cores as the machine has, instead of one at a time on one interpreter. Each
instance is `python -m local.function_worker` with the runner's environment.
"""

import os
import socket
import subprocess
import sys
import threading
from multiprocessing.connection import Connection
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


class FunctionError(Exception):
    """The invocation failed: the handler raised (its message is this one's), or its process ended."""


class _Instance:
    def __init__(self, name: str, dotted_path: str, timeout_seconds: float):
        parent_end, child_end = socket.socketpair()
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "local.function_worker", name, dotted_path, str(timeout_seconds), str(child_end.fileno())],
                cwd=REPO_ROOT,
                env={**os.environ, "PYTHONPATH": os.pathsep.join(["functions", "."])},
                pass_fds=(child_end.fileno(),),
            )
        finally:
            child_end.close()
        self._connection = Connection(parent_end.detach())

    @property
    def alive(self) -> bool:
        return self._process.poll() is None

    def wait_until_ready(self) -> None:
        self._receive()

    def invoke(self, event: dict):
        try:
            self._connection.send(event)
        except OSError as error:
            raise FunctionError(f"the function's process ended ({error})") from error
        outcome, value = self._receive()
        if outcome == "error":
            raise FunctionError(value)
        return value

    def _receive(self) -> tuple[str, object]:
        try:
            return self._connection.recv()
        except (EOFError, OSError) as error:
            raise FunctionError(f"the function's process ended (exit code {self._process.poll()})") from error

    def stop(self) -> None:
        self._connection.close()  # the worker's next receive ends it
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


class FunctionInstances:
    def __init__(self, name: str, dotted_path: str, timeout_seconds: float = 30, max_instances: int = 4):
        self.name = name
        self._dotted_path = dotted_path
        self._timeout_seconds = timeout_seconds
        self._max_instances = max_instances
        self._idle: list[_Instance] = []
        self._count = 0  # started or starting
        self._starting = False
        self._stopped = False
        self._changed = threading.Condition()

    def start(self) -> "FunctionInstances":
        """Starts one instance (returns once it imported its handler), as the first request would."""
        self._release(self._acquire())
        return self

    def start_in_background(self) -> None:
        threading.Thread(target=self.start, name=f"starting {self.name}", daemon=True).start()

    def invoke(self, event: dict):
        instance = self._acquire()
        try:
            result = instance.invoke(event)
        except FunctionError:
            if not instance.alive:  # its process died: never handed out again
                self._discard(instance)
                raise
            self._release(instance)
            raise
        self._release(instance)
        return result

    def stop(self) -> None:
        with self._changed:
            self._stopped = True
            idle, self._idle = self._idle, []
            self._changed.notify_all()
        for instance in idle:
            instance.stop()

    def _acquire(self) -> _Instance:
        with self._changed:
            while not self._idle and (self._starting or self._count >= self._max_instances) and not self._stopped:
                self._changed.wait()
            if self._stopped:
                raise FunctionError(f"{self.name} is stopping")
            if self._idle:
                return self._idle.pop()
            self._count += 1  # a new instance, started outside the lock
            self._starting = True
        try:
            instance = self._start_instance()
        except BaseException:
            with self._changed:
                self._count -= 1
                self._starting = False
                self._changed.notify_all()
            raise
        with self._changed:
            self._starting = False
            self._changed.notify_all()  # a waiter may start the next one
        return instance

    def _start_instance(self) -> _Instance:
        instance = _Instance(self.name, self._dotted_path, self._timeout_seconds)
        instance.wait_until_ready()
        return instance

    def _release(self, instance: _Instance) -> None:
        with self._changed:
            if self._stopped:
                stop_now = True
            else:
                stop_now = False
                self._idle.append(instance)
                self._changed.notify()
        if stop_now:
            instance.stop()

    def _discard(self, instance: _Instance) -> None:
        instance.stop()
        with self._changed:
            self._count -= 1
            self._changed.notify()
