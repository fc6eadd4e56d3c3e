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


def set_sla_calendar(tenant_id: str, calendar_file) -> dict:
    from casetrail.admin import run_set_sla_calendar
    from casetrail.store.dynamo import Table
    from casetrail.store.sla_calendars import SlaCalendarRepository

    arguments = _parser().parse_args(["--local", "set-sla-calendar", "--tenant", tenant_id, "--file", str(calendar_file)])
    return run_set_sla_calendar(arguments, SlaCalendarRepository(Table("casetrail-test-cases")))


def test_a_tenant_calendar_set_by_the_admin_command_is_the_one_its_slas_use(tmp_path):
    from casetrail.store.dynamo import Table
    from casetrail.store.sla_calendars import SlaCalendarRepository

    calendar_file = tmp_path / "acme.json"
    calendar_file.write_text('{"timeZone": "Europe/Paris", "hours": {"mon": [{"opens": "09:00", "closes": "17:00"}]}, "holidays": ["2026-12-25"]}')

    set_sla_calendar("acme", calendar_file)

    stored = SlaCalendarRepository(Table("casetrail-test-cases")).get("acme")
    assert stored.time_zone == "Europe/Paris" and [str(d) for d in stored.holidays] == ["2026-12-25"]


def test_an_invalid_calendar_is_refused_naming_the_file(tmp_path):
    calendar_file = tmp_path / "broken.json"
    calendar_file.write_text('{"timeZone": "Mars/Olympus_Mons"}')

    with pytest.raises(SystemExit, match="invalid calendar in"):
        set_sla_calendar("acme", calendar_file)


@pytest.mark.parametrize("tenant_id", ["ac#me", "acme/eu", "", " ", "a" * 300, "acme corp", "acme!", "T#acme#"])
def test_a_tenant_id_that_is_not_an_identifier_is_refused_and_nothing_is_created(access, tenant_id, capsys):
    # Given an id with '#', '/', whitespace, nothing, or 300 characters
    # When an admin creates a tenant with it
    with pytest.raises(SystemExit) as exited:
        admin(access, "create-tenant", tenant_id, "--name", "Acme Ltd")

    # Then the command fails saying what a tenant id may be, and no tenant exists
    assert exited.value.code == 2 and "invalid tenant id" in capsys.readouterr().err
    assert not access.tenant_exists(tenant_id)
