"""The data lake's objects in S3, rewritten to erase a customer.

Firehose writes `events/tenant=<t>/customer=<bucket>/year=/month=/day=/` (infra/constructs/data_lake.py),
the bucket computed from the event's customer id (domain/erasure.lake_customer_bucket). Erasing a
customer reads only the objects of its tenant and bucket (1/32 of the tenant's lake), rewrites
those holding one of its events without them and removes the old object versions (the bucket is
versioned: the previous version would keep the erased lines). Resumable: objects are taken in key
order and the caller keeps the last key done.
"""

import gzip
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from casetrail.domain.erasure import lake_customer_bucket

EVENTS_PREFIX = "events"


def partition_prefix(tenant_id: str, customer_id: str | None) -> str:
    return f"{EVENTS_PREFIX}/tenant={tenant_id}/customer={lake_customer_bucket(customer_id)}/"


def is_about(event: dict[str, Any], customer_id: str) -> bool:
    """An event line of the lake (a whole EventBridge event) concerns the customer."""
    detail = event.get("detail") or {}
    case = detail.get("case") or {}
    return case.get("customerId") == customer_id or detail.get("customerId") == customer_id


@dataclass
class RewriteProgress:
    objects_scanned: int = 0
    objects_rewritten: int = 0
    records_dropped: int = 0
    continue_after: str | None = None


class DataLake:
    def __init__(self, bucket: str, client):
        self._bucket = bucket
        self._client = client

    def erase_customer(
        self, tenant_id: str, customer_id: str, progress: RewriteProgress, *, keep_going: Callable[[], bool] = lambda: True
    ) -> bool:
        """Rewrites the customer's partition from `progress.continue_after`; True when done."""
        request: dict[str, Any] = {"Bucket": self._bucket, "Prefix": partition_prefix(tenant_id, customer_id)}
        if progress.continue_after:
            request["StartAfter"] = progress.continue_after
        while True:
            listed = self._client.list_objects_v2(**request)
            for entry in listed.get("Contents", []):
                if not keep_going():
                    return False
                dropped = self._rewrite(entry["Key"], customer_id)
                progress.objects_scanned += 1
                progress.records_dropped += dropped
                progress.objects_rewritten += 1 if dropped else 0
                progress.continue_after = entry["Key"]
            if not listed.get("IsTruncated"):
                return True
            request["ContinuationToken"] = listed["NextContinuationToken"]
            request.pop("StartAfter", None)

    def _rewrite(self, key: str, customer_id: str) -> int:
        stored = self._client.get_object(Bucket=self._bucket, Key=key)
        lines = gzip.decompress(stored["Body"].read()).decode().splitlines()
        kept = [line for line in lines if line.strip() and not is_about(json.loads(line), customer_id)]
        dropped = sum(1 for line in lines if line.strip()) - len(kept)
        if not dropped:
            return 0
        old_version = stored.get("VersionId")
        if kept:
            self._client.put_object(Bucket=self._bucket, Key=key, Body=gzip.compress("".join(f"{line}\n" for line in kept).encode()))
        if old_version and old_version != "null":
            self._client.delete_object(Bucket=self._bucket, Key=key, VersionId=old_version)  # the version itself, for good
        elif not kept:
            self._client.delete_object(Bucket=self._bucket, Key=key)
        return dropped
