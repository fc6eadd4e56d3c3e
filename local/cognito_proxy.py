"""The browser's way to the emulated Cognito: the runner forwards the public (non-admin) cognito-idp
operations to moto, on the API's origin and with the API's CORS policy.

Why not let the browser call moto itself (moto's server does send CORS headers): moto answers every
service and every admin operation to anyone; real Cognito only lets a browser do what an app client
may do without IAM credentials. Forwarding only those keeps `make run` honest about that boundary.
"""

import urllib.error
import urllib.request

from local.http_adapter import HttpRequest, HttpResponse

TARGET_PREFIX = "AWSCognitoIdentityProviderService."
# What a public app client may call without AWS credentials (sign-in, challenges, its own user).
PUBLIC_OPERATIONS = frozenset(
    {
        "InitiateAuth",
        "RespondToAuthChallenge",
        "GetUser",
        "GlobalSignOut",
        "RevokeToken",
        "ChangePassword",
        "ForgotPassword",
        "ConfirmForgotPassword",
        "AssociateSoftwareToken",
        "VerifySoftwareToken",
        "SetUserMFAPreference",
        "UpdateUserAttributes",
    }
)
_FORWARDED_HEADERS = ("Content-Type", "X-Amz-Target", "X-Amz-User-Agent")


def _error(status: int, message: str) -> HttpResponse:
    body = ('{"__type": "NotAuthorizedException", "message": "%s"}' % message).encode()
    return HttpResponse(status, (("Content-Type", "application/x-amz-json-1.1"),), body)


def forward_to_cognito(request: HttpRequest, moto_url: str) -> HttpResponse:
    target = request.header("X-Amz-Target") or ""
    if request.method != "POST" or target.removeprefix(TARGET_PREFIX) not in PUBLIC_OPERATIONS or not target.startswith(TARGET_PREFIX):
        return _error(400, "Only the public Cognito operations of an app client are served here")
    headers = {name: request.header(name) for name in _FORWARDED_HEADERS if request.header(name)}
    forwarded = urllib.request.Request(f"{moto_url}/", data=request.body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(forwarded, timeout=10) as answer:
            status, content_type, body = answer.status, answer.headers.get("Content-Type"), answer.read()
    except urllib.error.HTTPError as error:  # Cognito's own errors (wrong password...) are 4xx answers
        status, content_type, body = error.code, error.headers.get("Content-Type"), error.read()
    return HttpResponse(status, (("Content-Type", content_type or "application/x-amz-json-1.1"),), body)
