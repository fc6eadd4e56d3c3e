"""The demo tenant, its supervisor key and a demo customer, so a fresh local Casetrail can be called
at once (a case must name an existing customer)."""

from casetrail.domain.customers import NewCustomer
from casetrail.domain.identity import Role
from casetrail.settings import get_settings
from casetrail.store.access import AccessRepository, IssuedKey
from casetrail.store.dynamo import Table

DEMO_TENANT_ID = "demo"
DEMO_CUSTOMER = NewCustomer(customer_id="cust-1", name="Dana Demo", phone="+15551234567", email="dana@example.com")


def create_demo_tenant(api_key: str | None = None) -> IssuedKey:
    """Creates tenant "demo" with its demo customer, and issues it a supervisor key (the given one,
    or a new random one)."""
    from casetrail.handlers.dependencies import customer_service  # a handler module: import once the environment is set

    access = AccessRepository(Table(get_settings().access_table_name))
    access.create_tenant(DEMO_TENANT_ID, "Demo")
    issued = access.issue_key(DEMO_TENANT_ID, "Demo Supervisor", Role.SUPERVISOR, api_key=api_key)
    customer_service().create(issued.principal, DEMO_CUSTOMER)
    return issued
