"""The errors API Gateway itself answers with, in the API's error shape {status, code, message}.

One home for both the deployed gateway responses (infra/constructs/gateway_responses.py) and the
local runner's emulation of them (local/api_gateway.py). Keyed by API Gateway's response type.
Messages are fixed: an authorizer failure must not hint at why, and 5xx details are for the logs.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class GatewayError:
    status: int
    code: str
    message: str | None  # None: API Gateway's own message (safe for its generic 4xx)


GATEWAY_ERRORS: dict[str, GatewayError] = {
    "UNAUTHORIZED": GatewayError(401, "UNAUTHORIZED", "A valid API key is required: Authorization: Bearer <key>"),
    "ACCESS_DENIED": GatewayError(403, "FORBIDDEN", "This API key may not do that"),
    # The tenant has no meter in the usage plan yet (domain/tenant_limits.py): an operator runs
    # `casetrail-admin --stack <stack> create-tenant <tenant>` once more to give it one.
    "INVALID_API_KEY": GatewayError(403, "FORBIDDEN", "This tenant is not enabled on this API yet"),
    # What API Gateway answers when no resource matches; every path is routed to the API function,
    # so this is a malformed path rather than a missing token.
    "MISSING_AUTHENTICATION_TOKEN": GatewayError(404, "ROUTE_NOT_FOUND", "No such route"),
    "REQUEST_TOO_LARGE": GatewayError(413, "PAYLOAD_TOO_LARGE", "The request is too large"),
    "THROTTLED": GatewayError(429, "THROTTLED", "Too many requests: retry with backoff"),
    "DEFAULT_4XX": GatewayError(400, "BAD_REQUEST", None),
    "INTEGRATION_TIMEOUT": GatewayError(504, "TIMEOUT", "The request took too long"),
    "DEFAULT_5XX": GatewayError(500, "INTERNAL_ERROR", "Something went wrong on our side"),
}
