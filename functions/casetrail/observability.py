"""Logger, Metrics and the tracer, created once and shared by every handler.

Tracing: every function runs with Lambda's active tracing (infra/constructs/function.py), which
traces each invocation and its init phase with no code in the function. Powertools' Tracer adds a
subsegment per AWS call through the X-Ray SDK, whose import and patching cost every cold start
(bench.imports); the stack turns it off (DEPLOYED_ENVIRONMENT), so the SDK is never imported. Set
POWERTOOLS_TRACE_DISABLED=false on a function to get those subsegments back: the Tracer is then
created as before.
"""

import os

from aws_lambda_powertools.logging import Logger
from aws_lambda_powertools.metrics import Metrics

SERVICE = "casetrail"
TRACE_DISABLED_ENV_VAR = "POWERTOOLS_TRACE_DISABLED"  # Powertools' own switch for its Tracer

# What the stack sets on every function (infra/constructs/function.py). Service name and metrics
# namespace are set here in code, their one home.
DEPLOYED_ENVIRONMENT = {"LOG_LEVEL": "INFO", TRACE_DISABLED_ENV_VAR: "true"}


def sdk_tracing_enabled() -> bool:
    """Powertools' rule for its Tracer: on in Lambda unless POWERTOOLS_TRACE_DISABLED is true."""
    disabled = os.environ.get(TRACE_DISABLED_ENV_VAR, "false").strip().lower() in {"1", "true", "yes", "on"}
    return bool(os.environ.get("LAMBDA_TASK_ROOT")) and not disabled


class _Untraced:
    """Stands in for the Tracer when the X-Ray SDK is off: its decorators leave a function as it is.
    Not Tracer(disabled=True), which still imports the SDK (its provider) and wraps every call."""

    def capture_lambda_handler(self, lambda_handler=None, **_options):
        return lambda_handler if lambda_handler is not None else (lambda function: function)

    capture_method = capture_lambda_handler

    def put_annotation(self, key, value) -> None:
        pass

    def put_metadata(self, key, value, namespace: str = "default") -> None:
        pass


def _tracer():
    if not sdk_tracing_enabled():
        return _Untraced()
    from aws_lambda_powertools.tracing import Tracer

    return Tracer(service=SERVICE)


logger = Logger(service=SERVICE)
tracer = _tracer()
metrics = Metrics(service=SERVICE, namespace="Casetrail")
