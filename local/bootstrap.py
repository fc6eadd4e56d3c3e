"""The demo tenant, its supervisor key, a demo customer, and the fields, templates and rules declared
in config/, so a fresh local Casetrail can be called at once (a case must name an existing customer)."""

from pathlib import Path

from casetrail.domain.customers import NewCustomer
from casetrail.domain.identity import Role
from casetrail.settings import get_settings
from casetrail.store.access import AccessRepository, IssuedKey
from casetrail.store.dynamo import Table

DEMO_TENANT_ID = "demo"
CONFIG = Path(__file__).resolve().parent.parent / "config"
DEMO_TEMPLATES = CONFIG / "templates.json"
DEMO_RULES = CONFIG / "rules.json"
DEMO_CUSTOMER = NewCustomer(customer_id="cust-1", name="Dana Demo", phone="+15551234567", email="dana@example.com")


def create_demo_tenant(api_key: str | None = None) -> IssuedKey:
    """Creates tenant "demo" with its demo customer, and issues it a supervisor key (the given one,
    or a new random one)."""
    # Handler modules: imported once the environment is set.
    from casetrail.admin import run_load_rules
    from casetrail.handlers.dependencies import cases_table, customer_service, template_service
    from casetrail.service.declared_templates import load_declared_templates
    from casetrail.store.rules import RuleRepository

    access = AccessRepository(Table(get_settings().access_table_name))
    access.create_tenant(DEMO_TENANT_ID, "Demo")
    issued = access.issue_key(DEMO_TENANT_ID, "Demo Supervisor", Role.SUPERVISOR, api_key=api_key)
    customer_service().create(issued.principal, DEMO_CUSTOMER)
    load_declared_templates(template_service(), DEMO_TENANT_ID, DEMO_TEMPLATES)
    run_load_rules(str(DEMO_RULES), RuleRepository(cases_table()))
    return issued
