"""Runs a scheduled function every few minutes, as its deployed EventBridge schedule does, with the
same kind of "Scheduled Event" the rule delivers."""

import threading
import traceback
import uuid
from datetime import UTC, datetime

from local.background import BackgroundLoop
from local.environment import ACCOUNT_ID, REGION
from local.lambda_runtime import LocalFunction


def scheduled_event(rule_name: str) -> dict:
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT_ID,
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [f"arn:aws:events:{REGION}:{ACCOUNT_ID}:rule/{rule_name}"],
        "detail": {},
    }


class ScheduleTimer(BackgroundLoop):
    def __init__(self, function: LocalFunction, every_seconds: float, stopping: threading.Event):
        super().__init__(f"schedule:{function.name}", stopping)
        self._function = function
        self._every_seconds = every_seconds

    def _run(self) -> None:
        while not self._stopping.wait(self._every_seconds):
            try:
                self._function.invoke(scheduled_event(self._function.name))
            except Exception:
                traceback.print_exc()  # as a failed scheduled invocation: the next run tries again
