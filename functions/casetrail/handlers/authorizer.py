"""API Gateway TOKEN authorizer: `Authorization: Bearer <credential>` -> the principal of one tenant.

Two kinds of credential: an API key (integrations, scripts; resolved by its hash in the access
table) or a person's Cognito ID token (verified by casetrail.user_tokens, then the user must be an
active user of the token's tenant: one key lookup in the users table, so disabling a user takes
effect within the authorizer cache's 60 s, not at the token's expiry).

The principal travels to the API function in the authorizer context; the tenant is never read
from the request itself. Any failure is a plain "Unauthorized" (401), never a hint of why.
`usageIdentifierKey` names the tenant's meter in the API's usage plan (domain/tenant_limits.py).
"""

from functools import cache

from casetrail.handlers import init_done
from casetrail.domain.identity import MAX_NAME_LENGTH, Principal, PrincipalKind, Role
from casetrail.domain.tenant_limits import api_id_of, usage_identifier_key
from casetrail.observability import logger
from casetrail.settings import get_settings
from casetrail.store.access import AccessRepository
from casetrail.store.dynamo import Table
from casetrail.store.users import UserRepository
from casetrail.user_tokens import InvalidToken, TokenVerifier, UserPoolClient, jwks_url_of, looks_like_jwt

BEARER = "bearer "


class Unauthorized(Exception):
    def __init__(self):
        # API Gateway maps exactly this message to a 401 response.
        super().__init__("Unauthorized")


@cache
def _access() -> AccessRepository:
    return AccessRepository(Table(get_settings().access_table_name))


@cache
def _users() -> UserRepository:
    return UserRepository(Table(get_settings().users_table_name))


@cache
def _verifier() -> TokenVerifier | None:
    settings = get_settings()
    if not (settings.user_pool_id and settings.user_pool_client_id):
        return None  # no user pool configured: only API keys
    client = UserPoolClient(
        user_pool_id=settings.user_pool_id,
        client_id=settings.user_pool_client_id,
        jwks_url=settings.user_pool_jwks_url or jwks_url_of(settings.user_pool_id),
    )
    return TokenVerifier(client)


def bearer_credential(value: str | None) -> str | None:
    if not value or not value[: len(BEARER)].lower() == BEARER:
        return None
    return value[len(BEARER):].strip() or None


def resolve_principal(authorization: str | None) -> Principal | None:
    """The principal an Authorization header proves, or None."""
    credential = bearer_credential(authorization)
    if credential is None:
        return None
    if looks_like_jwt(credential):
        return _user_principal(credential)
    return _access().resolve(credential)


def _user_principal(token: str) -> Principal | None:
    verifier = _verifier()
    if verifier is None:
        return None
    try:
        claims = verifier.verify(token)
    except InvalidToken as error:
        logger.info("Rejected a user token", extra={"reason": str(error)})
        return None
    if _users().active_user(claims.tenant_id, claims.user_id) is None:
        logger.info("Rejected the token of a disabled or unknown user")
        return None
    return Principal(
        tenant_id=claims.tenant_id,
        principal_id=claims.user_id,
        name=claims.name[:MAX_NAME_LENGTH],  # a person may edit their own name; a long one must not fail here
        role=Role(claims.role.value),
        kind=PrincipalKind.USER,
    )


def _allow_policy(method_arn: str) -> dict:
    # Allow every method of this API and stage, so a cached decision serves all routes.
    api_stage = "/".join(method_arn.split("/")[:2])
    return {
        "Version": "2012-10-17",
        "Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": f"{api_stage}/*"}],
    }


def authorizer_response(principal: Principal, method_arn: str) -> dict:
    """What API Gateway gets back for an authorized request (one place to add to it)."""
    return {
        "principalId": principal.principal_id,
        "policyDocument": _allow_policy(method_arn),
        "context": principal.to_authorizer_context(),
        # The tenant's meter in the API's usage plan (per-tenant request limits).
        "usageIdentifierKey": usage_identifier_key(api_id_of(method_arn), principal.tenant_id),
    }


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict, context) -> dict:
    principal = resolve_principal(event.get("authorizationToken"))
    if principal is None:
        logger.info("Rejected a request with a missing, invalid or revoked credential")
        raise Unauthorized()
    logger.append_keys(tenant_id=principal.tenant_id, principal_id=principal.principal_id, principal_kind=principal.kind.value)
    logger.info("Authorized")
    return authorizer_response(principal, event["methodArn"])


init_done()  # the end of this function's init: the garbage collector resumes (casetrail/handlers/__init__.py)
