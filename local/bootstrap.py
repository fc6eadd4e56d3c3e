"""The demo tenant, its supervisor key, its two people (an agent and a supervisor who sign in), a demo
customer, and the fields, templates and rules declared in config/, so a fresh local Casetrail can be
called at once (a case must name an existing customer)."""

from pathlib import Path

from casetrail.domain.customers import NewCustomer
from casetrail.domain.identity import Role
from casetrail.domain.users import User
from casetrail.outbound.user_pool import CognitoUserPool
from casetrail.service.people import PeopleAdministration
from casetrail.settings import get_settings
from casetrail.store.access import AccessRepository, IssuedKey
from casetrail.store.dynamo import Table
from casetrail.store.users import UserRepository
from local.user_pool import DEMO_USERS

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


def create_demo_users(cognito, user_pool_id: str, password: str) -> list[User]:
    """The demo tenant's agent and supervisor, with a permanent password (no invitation email)."""
    settings = get_settings()
    people = PeopleAdministration(
        CognitoUserPool(cognito, user_pool_id),
        UserRepository(Table(settings.users_table_name)),
        AccessRepository(Table(settings.access_table_name)),
    )
    return [
        people.invite(DEMO_TENANT_ID, email=u.email, name=u.name, role=u.role, permanent_password=password, queues=u.queues)
        for u in DEMO_USERS
    ]
