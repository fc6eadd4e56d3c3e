"""API Gateway's own error responses, in the API's error shape: {"status", "code", "message"}.

A gateway response template cannot read the status code, so every type whose status must survive
gets its own entry; the rest fall back to DEFAULT_4XX (400) and DEFAULT_5XX (500). Codes match
casetrail.handlers.errors where both can answer the same thing.
"""

import json

from aws_cdk import aws_apigateway as apigateway

ResponseType = apigateway.ResponseType

# Fixed messages everywhere but DEFAULT_4XX: the authorizer's failures must not hint at why, and 5xx
# details are for the logs. API Gateway's own 4xx messages ("Unsupported Media Type", ...) are safe.
_ERROR_RESPONSES = (
    (ResponseType.UNAUTHORIZED, 401, "UNAUTHORIZED", "A valid API key is required: Authorization: Bearer <key>"),
    (ResponseType.ACCESS_DENIED, 403, "FORBIDDEN", "This API key may not do that"),
    # What API Gateway answers when no resource matches; every path is routed to the API function,
    # so this is a malformed path rather than a missing token.
    (ResponseType.MISSING_AUTHENTICATION_TOKEN, 404, "ROUTE_NOT_FOUND", "No such route"),
    (ResponseType.REQUEST_TOO_LARGE, 413, "PAYLOAD_TOO_LARGE", "The request is too large"),
    (ResponseType.THROTTLED, 429, "THROTTLED", "Too many requests: retry with backoff"),
    (ResponseType.DEFAULT_4_XX, 400, "BAD_REQUEST", None),
    (ResponseType.INTEGRATION_TIMEOUT, 504, "TIMEOUT", "The request took too long"),
    (ResponseType.DEFAULT_5_XX, 500, "INTERNAL_ERROR", "Something went wrong on our side"),
)
_GATEWAY_MESSAGE = "$context.error.messageString"  # already a quoted JSON string


def add_error_responses(api: apigateway.RestApi) -> None:
    for response_type, status, code, message in _ERROR_RESPONSES:
        body_message = json.dumps(message) if message else _GATEWAY_MESSAGE
        api.add_gateway_response(
            response_type.response_type,
            type=response_type,
            status_code=str(status),
            templates={"application/json": f'{{"status": {status}, "code": "{code}", "message": {body_message}}}'},
        )
