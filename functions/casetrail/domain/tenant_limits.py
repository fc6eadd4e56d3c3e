"""Per-tenant request limits: how fast one tenant may call the API, so no tenant starves another.

Deployed, API Gateway enforces them with a usage plan: the authorizer names the caller's tenant
meter (`usageIdentifierKey`, with the API's key source AUTHORIZER) and the plan throttles each
meter on its own; the stage's own limit only caps the API as a whole. `make run` applies the same
limits per meter (local/tenant_throttle.py). Defaults: cdk.json's "casetrail:apiThrottle".
"""

import hashlib

from pydantic import Field, model_validator

from casetrail.domain.model_base import CamelModel


class Throttle(CamelModel):
    rate_limit: float = Field(gt=0, description="steady requests per second")
    burst_limit: int = Field(gt=0, description="requests that may arrive at once")


class ApiThrottle(CamelModel):
    per_tenant: Throttle
    stage: Throttle  # the whole API, all tenants together

    @model_validator(mode="after")
    def _a_tenant_fits_in_the_stage(self) -> "ApiThrottle":
        if self.per_tenant.rate_limit > self.stage.rate_limit or self.per_tenant.burst_limit > self.stage.burst_limit:
            raise ValueError("a tenant's limits cannot exceed the stage's")
        return self


def usage_identifier_key(api_id: str, tenant_id: str) -> str:
    """The value of the API Gateway API key that meters a tenant's requests to one API.

    Derived, so the authorizer needs no lookup: with the key source AUTHORIZER a client can never
    present an API key itself, so the value is a meter's name, not a secret. The API id keeps the
    values of two stacks in one account apart."""
    return "casetrail-" + hashlib.sha256(f"{api_id}:{tenant_id}".encode()).hexdigest()


def api_id_of(method_arn: str) -> str:
    # arn:aws:execute-api:<region>:<account>:<api id>/<stage>/<method>/<path>
    return method_arn.split(":", 5)[5].split("/", 1)[0]
