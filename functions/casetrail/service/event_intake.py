"""The gate every event consumer's events pass before it acts on them: well-formed (the one rule,
domain/event_contract.py) and of a tenant that exists, so no consumer writes anything (a usage
record, a metric, an SLA) for a tenant that was never created."""

from typing import Any

from casetrail.domain.event_contract import UnknownTenant, check
from casetrail.store.access import AccessRepository


class EventIntake:
    def __init__(self, tenants: AccessRepository):
        self._tenants = tenants
        # Tenants are never deleted, so one found stays found for the life of the instance: a
        # burst of events costs one read per tenant. An unknown one is read again each time.
        self._known: set[str] = set()

    def accept(self, detail: Any) -> dict[str, Any]:
        """The detail, unchanged, when it may be acted on; MalformedEvent (or UnknownTenant) otherwise."""
        tenant_id = check(detail).tenant_id
        if tenant_id not in self._known:
            if not self._tenants.tenant_exists(tenant_id):
                raise UnknownTenant(f"no tenant {tenant_id!r}: the event is not one of ours")
            self._known.add(tenant_id)
        return detail
