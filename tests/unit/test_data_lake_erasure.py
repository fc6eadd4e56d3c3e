"""Erasing a customer from the data lake: one tenant's one customer bucket is rewritten, nothing else
is read; the bucket is the one Firehose's JQ computes (infra/constructs/data_lake.py)."""

import gzip
import json
import shutil
import subprocess

import boto3
import pytest
from moto import mock_aws

from casetrail.domain.erasure import LAKE_CUSTOMER_BUCKETS, lake_customer_bucket
from casetrail.store.data_lake import DataLake, RewriteProgress, partition_prefix
from infra.constructs.data_lake import PARTITION_QUERY

LAKE = "casetrail-test-lake"
TENANTS = ("demo", "acme", "zeta")
ERASED = "cust-erase-1"


def event(tenant: str, customer_id: str | None, n: int) -> dict:
    detail = {"tenantId": tenant, "eventType": "CASE.UPDATED", "eventId": f"e-{n}"}
    if customer_id:
        detail["case"] = {"customerId": customer_id, "title": f"about {customer_id}"}
    return {"source": "casetrail", "detail": detail}


def put_lines(s3, key: str, events: list[dict]) -> None:
    s3.put_object(Bucket=LAKE, Key=key, Body=gzip.compress("".join(json.dumps(e) + "\n" for e in events).encode()))


def read_lines(s3, key: str) -> list[dict]:
    return [json.loads(line) for line in gzip.decompress(s3.get_object(Bucket=LAKE, Key=key)["Body"].read()).decode().splitlines()]


@pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed")
@pytest.mark.parametrize("customer_id", ["cust-1", ERASED, "Zoë-ü-客户", "a" * 128, None])
def test_the_python_bucket_is_the_one_firehose_jq_computes(customer_id):
    record = json.dumps(event("demo", customer_id, 1))
    keys = json.loads(subprocess.run(["jq", "-c", PARTITION_QUERY], input=record, capture_output=True, text=True, check=True).stdout)
    assert keys == {"tenant": "demo", "customer": lake_customer_bucket(customer_id)}


@pytest.fixture
def s3():
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=LAKE)
        client.put_bucket_versioning(Bucket=LAKE, VersioningConfiguration={"Status": "Enabled"})
        yield client


def full_lake(s3) -> int:
    """Two days of objects in every tenant's every customer bucket; the erased customer's events in
    two objects of its bucket (one shared with another customer of the same bucket)."""
    count = 0
    for tenant in TENANTS:
        for bucket in [*map(str, range(LAKE_CUSTOMER_BUCKETS)), "none"]:
            for day in ("20", "21"):
                key = f"events/tenant={tenant}/customer={bucket}/year=2026/month=11/day={day}/part-{tenant}-{bucket}.gz"
                put_lines(s3, key, [event(tenant, f"other-{bucket}", 1)])
                count += 1
    mine = partition_prefix("demo", ERASED) + "year=2026/month=11/day="
    put_lines(s3, mine + "22/mixed.gz", [event("demo", ERASED, 2), event("demo", "other", 3), event("demo", ERASED, 4)])
    put_lines(s3, mine + "23/only.gz", [event("demo", ERASED, 5)])
    put_lines(s3, partition_prefix("acme", ERASED) + "year=2026/month=11/day=22/same-id-other-tenant.gz", [event("acme", ERASED, 6)])
    return count + 3


def test_erasing_a_customer_rewrites_only_its_tenant_s_bucket_and_leaves_no_old_version(s3):
    total = full_lake(s3)
    progress = RewriteProgress()

    done = DataLake(LAKE, s3).erase_customer("demo", ERASED, progress)

    assert done and (progress.objects_scanned, progress.objects_rewritten, progress.records_dropped) == (4, 2, 3)
    assert total == 201  # 3 tenants x 33 buckets x 2 days + 3: the erasure read 4 of them (2 %)
    mine = partition_prefix("demo", ERASED) + "year=2026/month=11/day="
    assert [e["detail"]["eventId"] for e in read_lines(s3, mine + "22/mixed.gz")] == ["e-3"]
    assert "Versions" not in s3.list_object_versions(Bucket=LAKE, Prefix=mine + "23/only.gz")
    assert len(s3.list_object_versions(Bucket=LAKE, Prefix=mine + "22/mixed.gz")["Versions"]) == 1
    other_tenant = partition_prefix("acme", ERASED) + "year=2026/month=11/day=22/same-id-other-tenant.gz"
    assert read_lines(s3, other_tenant)[0]["detail"]["eventId"] == "e-6"


def test_an_interrupted_rewrite_continues_after_the_last_object_done(s3):
    full_lake(s3)
    progress, budget = RewriteProgress(), iter([True, False])

    assert DataLake(LAKE, s3).erase_customer("demo", ERASED, progress, keep_going=lambda: next(budget, False)) is False
    assert progress.objects_scanned == 1 and progress.continue_after
    assert DataLake(LAKE, s3).erase_customer("demo", ERASED, progress) is True
    assert (progress.objects_scanned, progress.records_dropped) == (4, 3)
