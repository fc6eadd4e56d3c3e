"""API Gateway TOKEN authorizer: `Authorization: Bearer <api key>` -> the principal of one tenant.

The principal travels to the API function in the authorizer context; the tenant is never read
from the request itself. Any failure is a plain "Unauthorized" (401), never a hint of why.
`usageIdentifierKey` names the tenant's meter in the API's usage plan (domain/tenant_limits.py).
"""

from functools import cache

from casetrail.domain.tenant_limits import api_id_of, usage_identifier_key
from casetrail.observability import logger
from casetrail.settings import get_settings
from casetrail.store.access import AccessRepository
from casetrail.store.dynamo import Table

BEARER = "bearer "


class Unauthorized(Exception):
    def __init__(self):
        # API Gateway maps exactly this message to a 401 response.
        super().__init__("Unauthorized")


@cache
def _access() -> AccessRepository:
    return AccessRepository(Table(get_settings().access_table_name))


def api_key_from_header(value: str | None) -> str | None:
    if not value or not value[: len(BEARER)].lower() == BEARER:
        return None
    return value[len(BEARER):].strip() or None


def _allow_policy(method_arn: str) -> dict:
    # Allow every method of this API and stage, so a cached decision serves all routes.
    api_stage = "/".join(method_arn.split("/")[:2])
    return {
        "Version": "2012-10-17",
        "Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": f"{api_stage}/*"}],
    }


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict, context) -> dict:
    api_key = api_key_from_header(event.get("authorizationToken"))
    principal = _access().resolve(api_key) if api_key else None
    if principal is None:
        logger.info("Rejected a request with a missing, unknown or revoked API key")
        raise Unauthorized()
    logger.append_keys(tenant_id=principal.tenant_id, principal_id=principal.principal_id)
    logger.info("Authorized")
    return {
        "principalId": principal.principal_id,
        "policyDocument": _allow_policy(event["methodArn"]),
        "context": principal.to_authorizer_context(),
        "usageIdentifierKey": usage_identifier_key(api_id_of(event["methodArn"]), principal.tenant_id),
    }
