"""Page tokens: opaque and tamper-evident.

A token is the DynamoDB key a query stopped at, signed (HMAC-SHA256) together with the query it
continues (table, index, partition). A token edited, truncated, made up, or taken from another
query or tenant fails the signature and is refused before it reaches DynamoDB.

The signing key is a Secrets Manager secret generated at deployment (PAGE_TOKEN_SECRET_ARN; the
local runner creates one in its emulation), read once per process. Without one (tests, a one-off
command) the process makes up its own key: its tokens then only hold within that process.
"""

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
from functools import cache
from typing import Any

import boto3

from casetrail.deployment_names import PAGE_TOKEN_SECRET_ENV_VAR


class InvalidPageToken(Exception):
    pass


@cache
def signing_key() -> bytes:
    secret_arn = os.environ.get(PAGE_TOKEN_SECRET_ENV_VAR)
    if not secret_arn:
        return secrets.token_bytes(32)
    return boto3.client("secretsmanager").get_secret_value(SecretId=secret_arn)["SecretString"].encode()


def encode(last_key: dict[str, Any] | None, *, query: str) -> str | None:
    if not last_key:
        return None
    payload = json.dumps(last_key, separators=(",", ":"), sort_keys=True).encode()
    return f"{_b64(payload)}.{_b64(_signature(payload, query))}"


def decode(token: str, *, query: str) -> dict[str, Any]:
    """The key a token carries, if this very query signed it; InvalidPageToken otherwise."""
    body, _, signature = token.partition(".")
    try:
        payload, given = _unb64(body), _unb64(signature)
    except (binascii.Error, ValueError) as error:
        raise InvalidPageToken() from error
    if not hmac.compare_digest(given, _signature(payload, query)):
        raise InvalidPageToken()
    return json.loads(payload)


def _signature(payload: bytes, query: str) -> bytes:
    return hmac.new(signing_key(), query.encode() + b"\n" + payload, hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text.encode("ascii") + b"=" * (-len(text) % 4))
