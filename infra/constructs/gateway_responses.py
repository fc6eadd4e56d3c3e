"""API Gateway's own error responses (casetrail/gateway_errors.py), as gateway responses.

A gateway response template cannot read the status code, so every type whose status must survive
gets its own entry; the rest fall back to DEFAULT_4XX (400) and DEFAULT_5XX (500). Codes match
casetrail.handlers.errors where both can answer the same thing.
"""

import json

from aws_cdk import aws_apigateway as apigateway

from casetrail.gateway_errors import GATEWAY_ERRORS

_GATEWAY_MESSAGE = "$context.error.messageString"  # already a quoted JSON string


def add_error_responses(api: apigateway.RestApi, headers: dict[str, str] | None = None) -> None:
    """Adds the error responses; `headers` (e.g. CORS) go on every one of them."""
    response_headers = {name: f"'{value}'" for name, value in (headers or {}).items()} or None
    for response_type, error in GATEWAY_ERRORS.items():
        body_message = json.dumps(error.message) if error.message else _GATEWAY_MESSAGE
        api.add_gateway_response(
            response_type,
            type=getattr(apigateway.ResponseType, response_type.replace("XX", "_XX")),
            status_code=str(error.status),
            response_headers=response_headers,
            templates={
                "application/json": f'{{"status": {error.status}, "code": "{error.code}", "message": {body_message}}}'
            },
        )
