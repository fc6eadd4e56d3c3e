"""What a browser may do across origins, in one place: the deployed preflight and gateway responses
(infra/), the API function's own responses (Powertools' CORSConfig) and the local runner's gateway.

Only the configured origins (cdk.json's "casetrail:allowedOrigins") are ever answered; the ETag
is exposed so the workspace can send it back in If-Match, X-Next-Token for the CSV pages.
"""

from aws_lambda_powertools.event_handler import CORSConfig

ALLOWED_HEADERS = ("Authorization", "Content-Type", "If-Match", "Idempotency-Key")
EXPOSED_HEADERS = ("ETag", "X-Next-Token")
ALLOWED_METHODS = ("GET", "POST", "PATCH", "DELETE", "OPTIONS")
MAX_AGE_SECONDS = 600


def cors_config(allowed_origins: list[str]) -> CORSConfig | None:
    if not allowed_origins:
        return None  # no browser origin configured: no CORS headers at all
    return CORSConfig(
        allow_origin=allowed_origins[0],
        extra_origins=list(allowed_origins[1:]),
        allow_headers=list(ALLOWED_HEADERS),
        expose_headers=list(EXPOSED_HEADERS),
        max_age=MAX_AGE_SECONDS,
    )


def gateway_error_headers(allowed_origins: list[str]) -> dict[str, str]:
    """Headers on API Gateway's own error responses (401, 403, 429, 5xx...). A gateway response
    cannot choose among origins per request, so it names the first configured one: list the
    workspace's production origin first."""
    if not allowed_origins:
        return {}
    return {"Access-Control-Allow-Origin": allowed_origins[0], "Vary": "Origin"}
