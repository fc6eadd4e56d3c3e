"""A tenant's meter: the authorizer names it, the admin command registers it in the usage plan."""

import boto3
import pytest

from casetrail.admin import meter_tenant
from casetrail.domain.identity import Role
from casetrail.domain.tenant_limits import usage_identifier_key
from tests.conftest import load_event
from tests.lambda_context import FakeLambdaContext

pytestmark = pytest.mark.usefixtures("aws")


@pytest.fixture
def access():
    from casetrail.handlers import authorizer
    from casetrail.store.access import AccessRepository
    from casetrail.store.dynamo import Table

    authorizer._access.cache_clear()
    repository = AccessRepository(Table("casetrail-test-access"))
    for tenant in ("demo", "acme"):
        repository.create_tenant(tenant, tenant.title())
    return repository


def authorize(api_key: str) -> dict:
    from casetrail.handlers.authorizer import handler

    event = load_event("authorizer/token.json")
    event["authorizationToken"] = f"Bearer {api_key}"
    return handler(event, FakeLambdaContext())


def test_every_key_of_a_tenant_is_metered_as_that_tenant_and_no_other(access):
    # Given two keys of one tenant and a key of another
    ana = access.issue_key("demo", "Ana", Role.AGENT).api_key
    crm = access.issue_key("demo", "CRM", Role.INTEGRATION).api_key
    acme = access.issue_key("acme", "Ops", Role.ADMIN).api_key

    # When each calls the API
    meters = [authorize(key)["usageIdentifierKey"] for key in (ana, crm, acme)]

    # Then both demo keys share demo's meter (its limits), and acme has its own
    assert meters[0] == meters[1] == usage_identifier_key("abc123", "demo")  # abc123: the sample's API id
    assert meters[2] == usage_identifier_key("abc123", "acme") != meters[0]


def test_create_tenant_registers_the_meter_the_authorizer_names_once():
    # Given a deployed API with its tenant usage plan
    apigateway = boto3.client("apigateway")
    api_id = apigateway.create_rest_api(name="casetrail")["id"]
    plan_id = apigateway.create_usage_plan(name="tenants", throttle={"rateLimit": 50, "burstLimit": 100})["id"]

    # When the admin command meters a tenant, twice (create-tenant is idempotent)
    first = meter_tenant(apigateway, stack_name="Casetrail", api_id=api_id, usage_plan_id=plan_id, tenant_id="acme")
    again = meter_tenant(apigateway, stack_name="Casetrail", api_id=api_id, usage_plan_id=plan_id, tenant_id="acme")

    # Then the plan holds one key for the tenant, whose value is what the authorizer names
    assert first == again
    (plan_key,) = apigateway.get_usage_plan_keys(usagePlanId=plan_id)["items"]
    key = apigateway.get_api_key(apiKey=plan_key["id"], includeValue=True)
    assert key["value"] == usage_identifier_key(api_id, "acme") and key["enabled"]
