"""Handlers for tests/unit/test_function_instances.py, run by local/function_worker.py in processes
of their own (so a module, not test-local functions)."""

import os
import time
from pathlib import Path


def meet(event: dict, context) -> dict:
    """Waits (up to 20 s) until `expected` invocations are in this handler at once, each in its own
    process; answers whether they met, and its process id."""
    meeting = Path(event["meeting"])
    (meeting / str(os.getpid())).touch()
    deadline = time.monotonic() + 20
    while len(list(meeting.iterdir())) < event["expected"] and time.monotonic() < deadline:
        time.sleep(0.02)
    return {"met": len(list(meeting.iterdir())) >= event["expected"], "pid": os.getpid(), "function": context.function_name}


def refuse(event: dict, context) -> dict:
    raise Exception("Unauthorized")


def crash(event: dict, context) -> dict:
    os._exit(3)
