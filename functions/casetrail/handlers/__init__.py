"""The Lambda functions' entry points: one module per function (topology.LAMBDA_HANDLERS).

Lambda's init phase imports one of them and everything it needs: tens of thousands of long-lived
objects and next to no garbage, which the cyclic garbage collector would traverse again and again
as they are created (~12% of the API's import: bench.imports). So inside Lambda the collector is
paused from the first import of this package, and every handler module resumes it as its last
statement (`init_done()`; a test checks each one). Tests and the local runner keep it running.
"""

import gc
import os

if os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
    gc.disable()


def init_done() -> None:
    """The handler module has loaded: the collector runs again for the invocations."""
    gc.enable()
