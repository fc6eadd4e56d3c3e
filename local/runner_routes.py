"""What the runner answers itself, in front of the emulated API Gateway: the OpenAPI document, a
Swagger UI page served from the swagger-ui-bundle package (no CDN: it works offline), and the
recent events seen by the event tap, and the agent workspace (web/dist)."""

import json
import mimetypes
from pathlib import Path
from urllib.parse import parse_qs

from swagger_ui_bundle import swagger_ui_path

from casetrail.topology import CONTACT_FLOW_FUNCTIONS, CONTACT_FLOW_TIMEOUT_SECONDS
from local.api_gateway import AccessDenied, ApiGateway, error_response
from local.environment import NAME_PREFIX
from local.event_tap import EVENTS_KEPT_PER_TENANT, EventTap
from local.http_adapter import HttpRequest, HttpResponse
from local.lambda_runtime import LocalFunction
from local import web_assets

OPENAPI_DOCUMENT = Path(__file__).resolve().parent.parent / "docs" / "openapi.json"
SWAGGER_ASSETS = Path(str(swagger_ui_path))
STATIC_PREFIX = "/docs/static/"
DEFAULT_RECENT_EVENTS = 50
CONNECT_PREFIX = "/local/connect/"

DOCS_PAGE = f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <title>Casetrail API (local)</title>
  <link rel="stylesheet" href="{STATIC_PREFIX}swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="{STATIC_PREFIX}swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({{
      url: "/openapi.json",
      dom_id: "#swagger-ui",
      validatorUrl: null,
      persistAuthorization: true
    }});
  </script>
</body>
</html>
""".encode()


class RunnerRoutes:
    def __init__(self, gateway: ApiGateway, tap: EventTap):
        self._gateway = gateway
        self._tap = tap
        # The contact-flow functions, as Connect invokes them: the body is the ContactFlowEvent.
        self._contact_flows = {
            spec.name: LocalFunction.from_dotted_path(f"{NAME_PREFIX}-{spec.name}", spec.handler, CONTACT_FLOW_TIMEOUT_SECONDS)
            for spec in CONTACT_FLOW_FUNCTIONS
        }

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "GET":
            if request.path == "/openapi.json":
                return _openapi_document()
            if request.path == "/docs":
                return HttpResponse(200, (("Content-Type", "text/html; charset=utf-8"),), DOCS_PAGE)
            if request.path.startswith(STATIC_PREFIX):
                return _swagger_asset(request.path[len(STATIC_PREFIX):])
            if request.path == "/events/recent":
                return self._recent_events(request)
            if web_assets.serves(request.path):
                return web_assets.respond(request.path)
        if request.method == "POST" and request.path.startswith(CONNECT_PREFIX):
            return self._contact_flow(request.path[len(CONNECT_PREFIX):], request.body)
        return self._gateway(request)

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


def _swagger_asset(name: str) -> HttpResponse:
    # Only files directly in the bundle's directory, looked up by name: no path from the request is joined.
    assets = {p.name: p for p in SWAGGER_ASSETS.iterdir() if p.is_file()}
    if name not in assets:
        return error_response(404, "NOT_FOUND", "No such asset")
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return HttpResponse(200, (("Content-Type", content_type),), assets[name].read_bytes())


def _json(status: int, payload: dict) -> HttpResponse:
    return HttpResponse(status, (("Content-Type", "application/json"),), json.dumps(payload).encode())
