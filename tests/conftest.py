"""Shared fixtures. The environment is set before any Casetrail module is imported, exactly as
Lambda (or the local runner) would set it."""

import copy
import json
import os
from pathlib import Path

import pytest

from casetrail.store.tables import ALL_TABLES

DEMO_TENANT = "demo"
EVENTS_DIR = Path(__file__).resolve().parent.parent / "events"
REGION = "us-east-1"

TEST_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_EC2_METADATA_DISABLED": "true",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
    "EVENT_BUS_NAME": "casetrail-test",
    # Tests' own price list, so their amounts do not move when cdk.json's default does.
    "BILLING_PRICING": json.dumps({"unitPrice": "0.35", "currency": "EUR", "freeCasesPerMonth": 1}),
    "FILES_BUCKET_NAME": "casetrail-test-files",
    "EVENT_DETAILS_BUCKET_NAME": "casetrail-test-event-details",
    **{spec.env_var: f"casetrail-test-{spec.logical_id.lower()}" for spec in ALL_TABLES},
}
os.environ.pop("AWS_ENDPOINT_URL", None)
os.environ.update(TEST_ENVIRONMENT)


def load_event(name: str) -> dict:
    return copy.deepcopy(json.loads((EVENTS_DIR / name).read_text()))


@pytest.fixture
def aws():
    """Every AWS call of the test goes to moto, with Casetrail's tables created from their specs,
    the claim-check bucket, and EventBridge's 256 KB PutEvents limit enforced as AWS does. moto's
    transactions are patched as in the local runner (local/moto_transactions.py). The search index
    is an empty in-memory SQLite, fed synchronously as each change commits (tests/search_feed.py)."""
    import boto3
    from moto import mock_aws

    from casetrail.handlers.case_event_messages import event_intake
    from casetrail.handlers.search_consumer import search_feed
    from casetrail.search.engines import search_index
    from casetrail.store.access import AccessRepository
    from casetrail.store.dynamo import Table, dynamodb_client
    from casetrail.store.provisioning import create_tables
    from local import moto_transactions
    from local.eventbridge_limits import enforce_put_events_limit
    from tests import search_feed as synchronous_search_feed
    from local.moto_event_delivery import cache_jsonpath_parsing

    enforce_put_events_limit()
    cache_jsonpath_parsing()
    moto_transactions.install()
    # A fresh, empty search index (in memory) per test, fed as each change commits.
    search_index.cache_clear()
    search_feed.cache_clear()
    synchronous_search_feed.install()
    with mock_aws():
        dynamodb_client.cache_clear()
        event_intake.cache_clear()
        forget_consumer_instances()
        create_tables(dynamodb_client())
        boto3.client("s3").create_bucket(Bucket=TEST_ENVIRONMENT["EVENT_DETAILS_BUCKET_NAME"])
        # The tenant the tests act as exists, as `make run`'s demo tenant does.
        AccessRepository(Table(TEST_ENVIRONMENT["ACCESS_TABLE_NAME"])).create_tenant(DEMO_TENANT, "Demo Ltd")
        yield
        dynamodb_client.cache_clear()
        event_intake.cache_clear()
        forget_consumer_instances()
    synchronous_search_feed.uninstall()


def forget_consumer_instances() -> None:
    """Each test starts with cold consumers: what a warm one keeps per tenant (rules, pricing,
    calendars, subscriptions; service/tenant_settings_cache.py) belongs to the previous test's tables."""
    from casetrail.handlers import billing_consumer, metrics_consumer, notification_wiring, rules_consumer, sla_consumer

    for service in (billing_consumer.metering_service, metrics_consumer.recorder, rules_consumer.rule_engine, sla_consumer.sla_service):
        service.cache_clear()
    notification_wiring.reset()


# Debian's Chromium (Playwright cannot download its own browsers here), shared by the browser
# journeys and the docs page test: one Playwright (sync API) per session, as it allows only one.
CHROMIUM = Path(os.environ.get("CASETRAIL_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
