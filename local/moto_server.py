"""moto's server as the local runner runs it, in a process of its own (local/moto_process.py starts
it): `python -m local.moto_server PORT PARENT_PID READY_FD` serves until terminated, or until the process that
started it is gone. moto is patched as AWS behaves: its transactions (local/moto_transactions.py)
and EventBridge's 256 KB limit (local/eventbridge_limits.py).
"""

import logging
import os
import signal
import sys
import threading
import time

from moto.server import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

from local import moto_transactions
from local.eventbridge_limits import enforce_put_events_limit
from local.moto_event_delivery import cache_jsonpath_parsing


class MotoServer:
    """moto's server (the app ThreadedMotoServer runs), with requests taken one at a time; run in a
    process of its own by local/moto_process.py.

    moto's backends are not thread-safe: under concurrent API calls, a DynamoDB transaction
    deep-copies a table that another request is changing, fails, and restores the copy, losing the
    other write (seen with 16 parallel clients). SQS long polls are the exception: each waits on its
    queue's own condition and must not hold up everything else for a second.
    """

    def __init__(self, port: int):
        self.port = port
        enforce_put_events_limit()  # the server runs in this process: AWS's 256 KB, as deployed
        cache_jsonpath_parsing()
        moto_transactions.install()
        # Bound at once: a busy port fails here, in the caller's thread.
        try:
            self._server = make_server(
                "127.0.0.1",
                port,
                _OneRequestAtATime(DomainDispatcherApplication(create_backend_app)),
                threaded=True,
                request_handler=MotoRequestHandler,
            )
        except SystemExit as error:  # werkzeug reports a busy port by printing why and exiting
            raise RuntimeError(f"cannot listen on port {port} for moto: set MOTO_PORT") from error

    def serve_forever(self) -> None:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # its per-request access log
        self._server.serve_forever(poll_interval=0.1)

    def stop(self) -> None:
        self._server.server_close()


class _OneRequestAtATime:
    """WSGI middleware: one request at a time through moto, SQS long polls aside."""

    LONG_POLL_TARGET = "AmazonSQS.ReceiveMessage"

    def __init__(self, app):
        self._app = app
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        if environ.get("HTTP_X_AMZ_TARGET") == self.LONG_POLL_TARGET:
            return self._app(environ, start_response)
        with self._lock:
            return list(self._app(environ, start_response))  # the whole body, before the next request


def _exit_when_orphaned(parent_pid: int) -> None:
    # A runner killed outright (SIGKILL) cannot stop its children: this one then stops itself.
    while os.getppid() == parent_pid:
        time.sleep(1)
    os._exit(0)


def main() -> None:
    port, parent_pid, ready_fd = (int(argument) for argument in sys.argv[1:4])
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the runner stops us
    threading.Thread(target=_exit_when_orphaned, args=(parent_pid,), daemon=True).start()
    server = MotoServer(port)  # listening from here on
    with os.fdopen(ready_fd, "wb") as ready:
        ready.write(b"1")
    try:
        server.serve_forever()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
