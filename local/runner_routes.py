"""What the runner answers itself, in front of the emulated API Gateway: the committed OpenAPI
document, the recent events seen by the event tap, the contact-flow functions, the agent workspace
(web/dist), its config.json and the browser's way to Cognito. The Swagger UI at /docs is the API
function's own (through the gateway, as deployed)."""

import json
from pathlib import Path
from urllib.parse import parse_qs

from casetrail.topology import CONTACT_FLOW_FUNCTIONS, CONTACT_FLOW_TIMEOUT_SECONDS
from local.api_gateway import AccessDenied, ApiGateway, error_response
from local.cognito_proxy import forward_to_cognito
from local.environment import NAME_PREFIX
from local.event_tap import EVENTS_KEPT_PER_TENANT, EventTap
from local.http_adapter import HttpRequest, HttpResponse
from local.lambda_runtime import LocalFunction
from local import web_assets

OPENAPI_DOCUMENT = Path(__file__).resolve().parent.parent / "docs" / "openapi.json"
DEFAULT_RECENT_EVENTS = 50
CONNECT_PREFIX = "/local/connect/"
COGNITO_PATH = "/cognito"
CONFIG_PATH = "/config.json"


class RunnerRoutes:
    def __init__(self, gateway: ApiGateway, tap: EventTap, workspace_config: dict[str, str], moto_url: str):
        self._gateway = gateway
        self._tap = tap
        self._workspace_config = workspace_config
        self._moto_url = moto_url
        # The contact-flow functions, as Connect invokes them: the body is the ContactFlowEvent.
        self._contact_flows = {
            spec.name: LocalFunction.from_dotted_path(f"{NAME_PREFIX}-{spec.name}", spec.handler, CONTACT_FLOW_TIMEOUT_SECONDS)
            for spec in CONTACT_FLOW_FUNCTIONS
        }

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The workspace's own calls (config, Cognito) get the API's CORS policy, preflight included.
        if request.path in (CONFIG_PATH, COGNITO_PATH, COGNITO_PATH + "/"):
            return self._gateway.cross_origin(request, self._browser_route)
        if request.method == "GET":
            if request.path == "/openapi.json":
                return _openapi_document()
            if request.path == "/events/recent":
                return self._recent_events(request)
            if web_assets.serves(request.path):
                return web_assets.respond(request.path)
        if request.method == "POST" and request.path.startswith(CONNECT_PREFIX):
            return self._contact_flow(request.path[len(CONNECT_PREFIX):], request.body)
        return self._gateway(request)

    def _browser_route(self, request: HttpRequest) -> HttpResponse:
        if request.path == CONFIG_PATH:
            return _json(200, self._workspace_config) if request.method == "GET" else error_response(405, "METHOD_NOT_ALLOWED", "GET only")
        return forward_to_cognito(request, self._moto_url)

    def _contact_flow(self, name: str, body: bytes) -> HttpResponse:
        function = self._contact_flows.get(name)
        if function is None:
            return error_response(404, "NOT_FOUND", f"no contact-flow function {name}: one of {', '.join(self._contact_flows)}")
        try:
            event = json.loads(body)
        except ValueError:
            return error_response(400, "BAD_REQUEST", "the body must be a ContactFlowEvent (JSON)")
        return _json(200, function.invoke(event))

    def _recent_events(self, request: HttpRequest) -> HttpResponse:
        try:
            caller = self._gateway.authorize(request)
        except AccessDenied as denied:
            return denied.response
        limit = parse_qs(request.query).get("limit", [str(DEFAULT_RECENT_EVENTS)])[-1]
        if not limit.isdigit() or not 1 <= int(limit) <= EVENTS_KEPT_PER_TENANT:
            return error_response(400, "BAD_REQUEST", f"limit must be an integer from 1 to {EVENTS_KEPT_PER_TENANT}")
        items = self._tap.recent(caller["tenantId"], int(limit))
        return _json(200, {"items": items})


def _openapi_document() -> HttpResponse:
    # Read on every request, so a regenerated document (`make docs`) shows without a restart.
    if not OPENAPI_DOCUMENT.is_file():
        return error_response(404, "NOT_FOUND", "docs/openapi.json does not exist yet: run `make docs`")
    return HttpResponse(200, (("Content-Type", "application/json"),), OPENAPI_DOCUMENT.read_bytes())


def _json(status: int, payload: dict) -> HttpResponse:
    return HttpResponse(status, (("Content-Type", "application/json"),), json.dumps(payload).encode())
