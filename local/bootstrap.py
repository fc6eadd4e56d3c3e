"""The demo tenant and its supervisor key, so a fresh local Casetrail can be called at once."""

from casetrail.domain.identity import Role
from casetrail.settings import get_settings
from casetrail.store.access import AccessRepository, IssuedKey
from casetrail.store.dynamo import Table

DEMO_TENANT_ID = "demo"


def create_demo_tenant(api_key: str | None = None) -> IssuedKey:
    """Creates tenant "demo" and issues it a supervisor key (the given one, or a new random one)."""
    access = AccessRepository(Table(get_settings().access_table_name))
    access.create_tenant(DEMO_TENANT_ID, "Demo")
    return access.issue_key(DEMO_TENANT_ID, "Demo Supervisor", Role.SUPERVISOR, api_key=api_key)
