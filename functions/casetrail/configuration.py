"""Deployment settings from cdk.json's context, validated, as the environment variables the
functions read. One home for both the stack (infra/stack.py) and the local runner, so `make run`
behaves as deployed: a bad price list or SLA policy fails the synth or the start, not a request."""

from collections.abc import Callable
from typing import Any

from casetrail import topology
from casetrail.domain.billing import Pricing
from casetrail.domain.metrics import DEFAULT_FCR_REOPEN_DAYS
from casetrail.domain.slas import SlaConfiguration
from casetrail.domain.tenant_limits import ApiThrottle

Context = Callable[[str], Any]  # a context key -> its value, or None when not set


def function_environment(context: Context) -> dict[str, str]:
    pricing = Pricing.model_validate(context("casetrail:billingPricing"))
    sla = SlaConfiguration.model_validate(context("casetrail:slaPolicies") or {})
    return {
        topology.BILLING_PRICING_ENV_VAR: pricing.model_dump_json(by_alias=True, exclude_none=True),
        topology.FCR_REOPEN_DAYS_ENV_VAR: str(int(context("casetrail:fcrReopenDays") or DEFAULT_FCR_REOPEN_DAYS)),
        topology.SLA_CONFIGURATION_ENV_VAR: sla.model_dump_json(by_alias=True),
    }


def api_throttle(context: Context) -> ApiThrottle:
    """cdk.json's "casetrail:apiThrottle": each tenant's limits and the whole stage's."""
    return ApiThrottle.model_validate(context("casetrail:apiThrottle"))
