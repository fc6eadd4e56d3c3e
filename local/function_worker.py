"""One instance of a Lambda function in a process of its own (local/function_instances.py starts
it): imports the handler (its cold start), says it is ready, then runs one event at a time as it
receives them, until the runner closes the connection.

    python -m local.function_worker NAME HANDLER TIMEOUT_SECONDS CONNECTION_FD
"""

import signal
import sys
import traceback
import warnings
from multiprocessing.connection import Connection

from local.lambda_runtime import LocalLambdaContext, resolve_handler


def main() -> None:
    name, dotted_path, timeout_seconds, fd = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the runner stops us
    connection = Connection(fd)
    # Metrics are off locally, so Powertools' warning that an invocation added none is noise.
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    handler = resolve_handler(dotted_path)
    connection.send(("ready", None))
    while True:
        try:
            event = connection.recv()
        except (EOFError, OSError):  # the runner is done with this instance (or gone)
            return
        try:
            result = ("ok", handler(event, LocalLambdaContext(name, timeout_seconds)))
        except Exception as error:  # as Lambda: logged, answered as the invocation's error, instance kept
            traceback.print_exc()
            result = ("error", str(error))
        sys.stdout.flush()
        connection.send(result)


if __name__ == "__main__":
    main()
