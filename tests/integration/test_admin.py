"""The admin command manages tenants and keys; what it issues, the authorizer accepts."""

import argparse

import pytest

from casetrail.admin import _parser, run

pytestmark = pytest.mark.usefixtures("aws")


@pytest.fixture
def access():
    from casetrail.store.access import AccessRepository
    from casetrail.store.dynamo import Table

    return AccessRepository(Table("casetrail-test-access"))


def admin(access, *argv: str) -> dict:
    arguments: argparse.Namespace = _parser().parse_args(["--local", *argv])
    return run(arguments, access)


def test_a_new_tenant_gets_a_key_that_resolves_and_can_be_revoked(access):
    assert admin(access, "create-tenant", "acme", "--name", "Acme Ltd") == {"tenantId": "acme", "created": True}
    issued = admin(access, "issue-key", "--tenant", "acme", "--name", "CRM integration", "--role", "integration")

    assert access.resolve(issued["apiKey"]).tenant_id == "acme"
    listed = admin(access, "list-keys", "--tenant", "acme")["keys"]
    assert [(k["keyId"], k["role"], k["revokedAt"]) for k in listed] == [(issued["keyId"], "integration", None)]
    assert "apiKey" not in listed[0]

    admin(access, "revoke-key", "--tenant", "acme", "--key-id", issued["keyId"])

    assert access.resolve(issued["apiKey"]) is None


def test_creating_a_tenant_twice_is_harmless(access):
    admin(access, "create-tenant", "acme", "--name", "Acme Ltd")

    assert admin(access, "create-tenant", "acme", "--name", "Acme Ltd")["created"] is False


def test_keys_cannot_be_issued_for_an_unknown_tenant(access):
    with pytest.raises(SystemExit, match="no tenant ghost"):
        admin(access, "issue-key", "--tenant", "ghost", "--name", "x", "--role", "agent")
