"""Signing webhook deliveries: HMAC-SHA256 over "<timestamp>.<body>" with the subscription's secret.

The header is `X-Casetrail-Signature: t=<unix seconds>,v1=<hex digest>`; the timestamp is signed
too, so a receiver that rejects old timestamps is safe against replays of a captured request.
"""

import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"
SIGNATURE_HEADER = "X-Casetrail-Signature"
TIMESTAMP_HEADER = "X-Casetrail-Timestamp"
DELIVERY_HEADER = "X-Casetrail-Delivery"
EVENT_HEADER = "X-Casetrail-Event"


def new_signing_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify(secret: str, header: str, body: bytes, *, now: int, tolerance_seconds: int = 300) -> bool:
    """What a receiver does (the README shows the same in a few lines)."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    if not parts.get("t", "").isdigit() or "v1" not in parts:
        return False
    timestamp = int(parts["t"])
    if abs(now - timestamp) > tolerance_seconds:
        return False
    return hmac.compare_digest(parts["v1"], signature(secret, timestamp, body))
