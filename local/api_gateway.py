"""API Gateway's REST API in front of the API function, emulated: the TOKEN authorizer call and its
policy check, the Lambda proxy event (format 1.0) and the mapping of the function's response."""

import base64
import json
import time
import traceback
import uuid
from datetime import UTC, datetime
from fnmatch import fnmatchcase
from urllib.parse import parse_qsl, unquote

from casetrail.gateway_errors import GATEWAY_ERRORS
from local.environment import ACCOUNT_ID, API_ID, REGION, STAGE
from local.http_adapter import HttpRequest, HttpResponse
from local.lambda_runtime import LocalFunction
from local.tenant_throttle import TenantThrottle


def error_response(status: int, code: str, message: str) -> HttpResponse:
    """A response API Gateway itself answers with: the deployed stack's gateway responses have this shape."""
    body = json.dumps({"status": status, "code": code, "message": message}).encode()
    return HttpResponse(status=status, headers=(("Content-Type", "application/json"),), body=body)


def _gateway_error(response_type: str) -> HttpResponse:
    error = GATEWAY_ERRORS[response_type]
    return error_response(error.status, error.code, error.message)


# As deployed: an authorizer policy that denies is ACCESS_DENIED, and DEFAULT_5XX turns every
# gateway-side failure into a 500.
UNAUTHORIZED = _gateway_error("UNAUTHORIZED")
FORBIDDEN = _gateway_error("ACCESS_DENIED")
THROTTLED = _gateway_error("THROTTLED")
GATEWAY_FAILURE = _gateway_error("DEFAULT_5XX")

class AccessDenied(Exception):
    def __init__(self, response: HttpResponse):
        super().__init__(response.status)
        self.response = response


class ApiGateway:
    def __init__(self, authorizer: LocalFunction, api: LocalFunction, throttle: TenantThrottle | None = None):
        self._authorizer = authorizer
        self._api = api
        self._throttle = throttle  # per-tenant limits, as the deployed usage plan (None: unlimited)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            authorizer_context = self.authorize(request)
        except AccessDenied as denied:
            return denied.response
        try:
            return to_http_response(self._api.invoke(proxy_event(request, authorizer_context)))
        except Exception:
            traceback.print_exc()  # the function crashed or answered a malformed response
            return GATEWAY_FAILURE

    def authorize(self, request: HttpRequest) -> dict:
        """Runs the TOKEN authorizer as API Gateway does; returns requestContext.authorizer or
        raises AccessDenied carrying the response API Gateway would send."""
        token = request.header("Authorization")
        if not token:
            raise AccessDenied(UNAUTHORIZED)  # API Gateway rejects it without calling the authorizer
        method_arn = f"arn:aws:execute-api:{REGION}:{ACCOUNT_ID}:{API_ID}/{STAGE}/{request.method}/{_path(request)[1:]}"
        started = time.monotonic()
        try:
            result = self._authorizer.invoke({"type": "TOKEN", "authorizationToken": token, "methodArn": method_arn})
            allowed = _policy_allows(result["policyDocument"], method_arn)
            principal_id = result["principalId"]
        except Exception as error:
            # Only the exact message "Unauthorized" means 401; any other failure is a 500.
            if str(error) == "Unauthorized":
                raise AccessDenied(UNAUTHORIZED) from error
            traceback.print_exc()
            raise AccessDenied(GATEWAY_FAILURE) from error
        if not allowed:
            raise AccessDenied(FORBIDDEN)
        # As deployed: every method requires the API key (the tenant's meter) the authorizer names.
        meter = result.get("usageIdentifierKey")
        if not meter:
            raise AccessDenied(FORBIDDEN)
        if self._throttle is not None and not self._throttle.admit(meter):
            raise AccessDenied(THROTTLED)
        latency_ms = int((time.monotonic() - started) * 1000)
        return {**(result.get("context") or {}), "principalId": principal_id, "integrationLatency": latency_ms}


def proxy_event(request: HttpRequest, authorizer_context: dict) -> dict:
    """The event a REST API's Lambda proxy integration on "/{proxy+}" sends (payload format 1.0)."""
    path = _path(request)
    resource = "/{proxy+}" if path != "/" else "/"
    query = parse_qsl(request.query, keep_blank_values=True)
    now = datetime.now(UTC)
    request_id = str(uuid.uuid4())
    return {
        "resource": resource,
        "path": path,
        "httpMethod": request.method,
        "headers": _last_values(request.headers),
        "multiValueHeaders": _all_values(request.headers),
        "queryStringParameters": _last_values(query),
        "multiValueQueryStringParameters": _all_values(query),
        "pathParameters": {"proxy": path[1:]} if path != "/" else None,
        "stageVariables": None,
        "requestContext": {
            "resourceId": "local",
            "resourcePath": resource,
            "httpMethod": request.method,
            "extendedRequestId": request_id,
            "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "path": f"/{STAGE}{path}",
            "accountId": ACCOUNT_ID,
            "protocol": "HTTP/1.1",
            "stage": STAGE,
            "domainPrefix": API_ID,
            "requestTimeEpoch": int(now.timestamp() * 1000),
            "requestId": request_id,
            "identity": {"sourceIp": request.source_ip, "userAgent": request.header("User-Agent")},
            "domainName": request.header("Host"),
            "apiId": API_ID,
            "authorizer": authorizer_context,
        },
        # Without binary media types, a REST API passes the body through as text.
        "body": request.body.decode("utf-8", errors="replace") if request.body else None,
        "isBase64Encoded": False,
    }


def to_http_response(result: dict) -> HttpResponse:
    """A Lambda proxy response -> the HTTP response; multiValueHeaders win over headers of the same name."""
    headers = [(name, str(v)) for name, values in (result.get("multiValueHeaders") or {}).items() for v in values]
    multi_valued = {name.lower() for name, _ in headers}
    headers += [(name, str(v)) for name, v in (result.get("headers") or {}).items() if name.lower() not in multi_valued]
    body = result.get("body") or ""
    return HttpResponse(
        status=int(result["statusCode"]),
        headers=tuple(headers),
        body=base64.b64decode(body) if result.get("isBase64Encoded") else body.encode(),
    )


def _path(request: HttpRequest) -> str:
    return unquote(request.path)


def _last_values(pairs) -> dict[str, str] | None:
    return {name: value for name, value in pairs} or None


def _all_values(pairs) -> dict[str, list[str]] | None:
    values: dict[str, list[str]] = {}
    for name, value in pairs:
        values.setdefault(name, []).append(value)
    return values or None


def _policy_allows(policy: dict, method_arn: str) -> bool:
    """IAM evaluation as far as API Gateway needs it: an explicit Deny wins, then an Allow is required."""
    statements = policy["Statement"]
    matching = [
        s
        for s in (statements if isinstance(statements, list) else [statements])
        if any(fnmatchcase("execute-api:Invoke", a) for a in _as_list(s.get("Action")))
        and any(fnmatchcase(method_arn, r) for r in _as_list(s.get("Resource")))
    ]
    effects = {s.get("Effect") for s in matching}
    return "Allow" in effects and "Deny" not in effects


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]
