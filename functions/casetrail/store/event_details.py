"""Full event details kept in S3 for events too large for the bus (the claim-check pattern).

The publisher puts the detail here and publishes a trimmed detail with a ClaimCheck reference;
every consumer resolves it with `full_detail` (through the message model they all share), which
checks the size and SHA-256 the reference promises. Keys are per tenant and case (or task), so an
erasure finds them without a listing of everything, and named after the event id, so a retried
publish writes the same object again.
"""

import hashlib
import json
from functools import cache
from typing import Any

import boto3
from botocore.config import Config

from casetrail.domain.events import ClaimCheck
from casetrail.outbound.bus_entries import detail_json

KEY_PREFIX = "event-details"


@cache
def _s3():
    return boto3.client("s3", config=Config(connect_timeout=2, read_timeout=5, retries={"mode": "standard", "max_attempts": 3}))


class DetailGone(LookupError):
    """The stored detail was removed: its case was deleted (store/erasure.py) since it was published."""


def case_details_prefix(tenant_id: str, case_id: str) -> str:
    """Where every claim-checked detail of a case is kept: deleting the case removes them all."""
    return f"{KEY_PREFIX}/T#{tenant_id}/cases/{case_id}/"


class DetailMismatch(ValueError):
    """A stored detail that is not the one its reference describes: never consumed."""


def store_detail(bucket: str, detail: dict[str, Any]) -> ClaimCheck:
    body = detail_json(detail).encode("utf-8")
    key = detail_key(detail)
    _s3().put_object(Bucket=bucket, Key=key, Body=body, ContentType="application/json")
    return ClaimCheck(bucket=bucket, key=key, bytes=len(body), sha256=hashlib.sha256(body).hexdigest())


def detail_key(detail: dict[str, Any]) -> str:
    owner = f"cases/{detail['caseId']}" if detail.get("caseId") else f"tasks/{detail.get('taskId')}"
    return f"{KEY_PREFIX}/T#{detail['tenantId']}/{owner}/{detail['eventId']}.json"


def full_detail(detail: dict[str, Any]) -> dict[str, Any]:
    """The event's full detail: the detail itself, or for a claim-checked event the stored one."""
    reference = detail.get("claimCheck")
    if reference is None:
        return detail
    claim = ClaimCheck.model_validate(reference)
    try:
        body = _s3().get_object(Bucket=claim.bucket, Key=claim.key)["Body"].read()
    except _s3().exceptions.NoSuchKey as error:
        raise DetailGone(f"the stored detail of event {detail.get('eventId')} was removed") from error
    if len(body) != claim.bytes or hashlib.sha256(body).hexdigest() != claim.sha256:
        raise DetailMismatch(f"the stored detail of event {detail.get('eventId')} does not match its claim check")
    stored = json.loads(body)
    if stored.get("eventId") != detail.get("eventId"):
        raise DetailMismatch(f"the stored detail is not event {detail.get('eventId')}'s")
    return stored
