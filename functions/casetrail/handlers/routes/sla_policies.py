"""HTTP route for SLA policies: read-only (they are deployment configuration, cdk.json's
"casetrail:slaPolicies"; a tenant's business calendar is set with casetrail-admin)."""

from http import HTTPStatus

from aws_lambda_powertools.event_handler.api_gateway import Router

from casetrail.domain.slas import TenantSlaPolicies
from casetrail.handlers.dependencies import CurrentPrincipal, sla_policy_reader
from casetrail.handlers.errors import documented

router = Router()


@router.get(
    "/sla-policies",
    summary="The SLA policies the tenant's cases get and the business calendar their clocks run on (supervisors and admins)",
    responses=documented(HTTPStatus.FORBIDDEN),
    tags=["SLAs"],
)
def read_sla_policies(principal: CurrentPrincipal) -> TenantSlaPolicies:
    return sla_policy_reader().read(principal)
