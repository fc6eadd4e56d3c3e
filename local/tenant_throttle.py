"""Per-tenant request limits in `make run`, as the deployed usage plan applies them: a token bucket
per meter (the authorizer's `usageIdentifierKey`), refilled at the tenant's rate up to its burst.
API Gateway's own algorithm is a token bucket too; its exact accounting is not public.

CASETRAIL_TENANT_THROTTLE=off turns it off (e.g. for a load test of the local runner itself)."""

import os
import threading
import time
from collections.abc import Callable

from casetrail.domain.tenant_limits import Throttle

SWITCH_ENV_VAR = "CASETRAIL_TENANT_THROTTLE"


class TenantThrottle:
    def __init__(self, limits: Throttle, clock: Callable[[], float] = time.monotonic):
        self._rate = limits.rate_limit
        self._burst = float(limits.burst_limit)
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # meter -> (tokens, when counted)
        self._lock = threading.Lock()  # the HTTP adapter serves requests on several threads

    def admit(self, meter: str) -> bool:
        with self._lock:
            now = self._clock()
            tokens, counted_at = self._buckets.get(meter, (self._burst, now))
            tokens = min(self._burst, tokens + (now - counted_at) * self._rate)
            admitted = tokens >= 1
            self._buckets[meter] = (tokens - 1 if admitted else tokens, now)
            return admitted


def enabled() -> bool:
    return os.environ.get(SWITCH_ENV_VAR, "on").lower() not in ("off", "0", "false")
