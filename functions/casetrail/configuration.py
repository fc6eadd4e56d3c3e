"""Deployment settings from cdk.json's context, validated, as the environment variables the
functions read. One home for both the stack (infra/stack.py) and the local runner, so `make run`
behaves as deployed: a bad price list or SLA policy fails the synth or the start, not a request."""

import json
from collections.abc import Callable
from typing import Any

from casetrail import topology
from casetrail.deployment_names import DEFAULT_FCR_REOPEN_DAYS
from casetrail.domain.billing import Pricing
from casetrail.domain.slas import SlaConfiguration
from casetrail.domain.tenant_limits import ApiThrottle

Context = Callable[[str], Any]  # a context key -> its value, or None when not set


ALLOWED_ORIGINS_CONTEXT_KEY = "casetrail:allowedOrigins"


def allowed_origins(context: Context) -> list[str]:
    """The browser origins allowed to call the API: a list, or its JSON (as `cdk deploy -c` gives it)."""
    value = context(ALLOWED_ORIGINS_CONTEXT_KEY) or []
    origins = json.loads(value) if isinstance(value, str) else value
    if not isinstance(origins, list) or not all(isinstance(o, str) and o.startswith(("https://", "http://")) and not o.endswith("/") for o in origins):
        raise ValueError(f"{ALLOWED_ORIGINS_CONTEXT_KEY} must be a list of origins such as https://cases.example.com (no path)")
    return origins


def function_environment(context: Context) -> dict[str, str]:
    pricing = Pricing.model_validate(context("casetrail:billingPricing"))
    sla = SlaConfiguration.model_validate(context("casetrail:slaPolicies") or {})
    return {
        topology.BILLING_PRICING_ENV_VAR: pricing.model_dump_json(by_alias=True, exclude_none=True),
        topology.FCR_REOPEN_DAYS_ENV_VAR: str(int(context("casetrail:fcrReopenDays") or DEFAULT_FCR_REOPEN_DAYS)),
        topology.SLA_CONFIGURATION_ENV_VAR: sla.model_dump_json(by_alias=True),
        topology.ALLOWED_ORIGINS_ENV_VAR: json.dumps(allowed_origins(context)),
    }


def api_throttle(context: Context) -> ApiThrottle:
    """cdk.json's "casetrail:apiThrottle": each tenant's limits and the whole stage's."""
    return ApiThrottle.model_validate(context("casetrail:apiThrottle"))
