"""The authorizer resolves hashed API keys to a principal of one tenant, on moto."""

import pytest

from casetrail.domain.identity import Role
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
    repository.create_tenant("demo", "Demo Ltd")
    return repository


def authorize(token: str | None):
    from casetrail.handlers.authorizer import handler

    event = load_event("authorizer/token.json")
    event["authorizationToken"] = token
    return handler(event, FakeLambdaContext())


def test_a_live_key_resolves_to_its_principal_and_tenant(access):
    issued = access.issue_key("demo", "Ana Agent", Role.AGENT)

    result = authorize(f"Bearer {issued.api_key}")

    assert result["context"] == {"tenantId": "demo", "principalId": issued.principal.principal_id, "name": "Ana Agent", "role": "agent", "kind": "apiKey"}
    assert result["policyDocument"]["Statement"][0]["Resource"] == "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/*"


def test_keys_are_stored_only_as_hashes(access):
    from casetrail.store.dynamo import dynamodb_client

    issued = access.issue_key("demo", "Ana Agent", Role.AGENT)

    stored = str(dynamodb_client().scan(TableName="casetrail-test-access")["Items"])
    assert issued.api_key not in stored


@pytest.mark.parametrize("token", [None, "", "Bearer", "Basic abc", "Bearer ctk_not_a_key_anyone_issued"])
def test_missing_malformed_or_unknown_keys_are_unauthorized(access, token):
    with pytest.raises(Exception, match="^Unauthorized$"):
        authorize(token)


def test_a_revoked_key_is_unauthorized(access):
    issued = access.issue_key("demo", "Ana Agent", Role.AGENT)

    assert access.revoke_key("demo", issued.key_id)

    with pytest.raises(Exception, match="^Unauthorized$"):
        authorize(f"Bearer {issued.api_key}")
    assert access.list_keys("demo")[0].revoked_at is not None


def test_a_tenant_cannot_revoke_another_tenants_key(access):
    access.create_tenant("acme", "Acme")
    issued = access.issue_key("demo", "Ana Agent", Role.AGENT)

    assert not access.revoke_key("acme", issued.key_id)
    assert authorize(f"Bearer {issued.api_key}")["context"]["tenantId"] == "demo"
