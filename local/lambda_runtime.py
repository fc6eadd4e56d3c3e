"""Invoking a handler the way Lambda does: an event, a context object, nothing else."""

import importlib
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from local.environment import ACCOUNT_ID, REGION

Handler = Callable[[dict, object], object]


def resolve_handler(dotted_path: str) -> Handler:
    """The function a handler setting ("package.module.function") names, as the Lambda runtime finds it."""
    module_name, _, function_name = dotted_path.rpartition(".")
    return getattr(importlib.import_module(module_name), function_name)


@dataclass
class LocalLambdaContext:
    function_name: str
    timeout_seconds: float
    memory_limit_in_mb: int = 1024
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    _deadline: float = field(init=False)

    def __post_init__(self):
        self._deadline = time.monotonic() + self.timeout_seconds

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{self.function_name}"

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        return f"local/{self.aws_request_id}"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


@dataclass(frozen=True)
class LocalFunction:
    """A handler and the name it would have as a deployed function, run as one Lambda instance: one
    event at a time. The handlers rely on that as deployed (Powertools' resolver keeps the current
    event in a module-level object), so two HTTP requests running one handler at once would read
    each other's event. The timeout is reported to the handler through its context, not enforced."""

    name: str
    handler: Handler
    timeout_seconds: float = 30
    _instance: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)

    @classmethod
    def from_dotted_path(cls, name: str, dotted_path: str, timeout_seconds: float = 30) -> "LocalFunction":
        return cls(name=name, handler=resolve_handler(dotted_path), timeout_seconds=timeout_seconds)

    def invoke(self, event: dict):
        with self._instance:
            return self.handler(event, LocalLambdaContext(self.name, self.timeout_seconds))
