"""The gate every event consumer's events pass before it acts on them: well-formed (the one rule,
domain/event_contract.py), of a tenant that exists, so no consumer writes anything (a usage
record, a metric, an SLA) for a tenant that was never created, and not about a deleted case.

A deleted case leaves a marker (store/erasure.py): any other event of that case, redelivered,
redriven from a dead-letter queue or replayed from the bus archive, is let through as `None`
(a success that changes nothing), so no consumer brings back what the deletion removed."""

from typing import Any

from casetrail.domain.erasure import ERASURE_EVENT_TYPES
from casetrail.domain.event_contract import UnknownTenant, check
from casetrail.store.access import AccessRepository
from casetrail.store.erasure import ForgottenCases


class EventIntake:
    def __init__(self, tenants: AccessRepository, forgotten: ForgottenCases | None = None):
        self._tenants = tenants
        self._forgotten = forgotten
        # Tenants are never deleted, so one found stays found for the life of the instance: a
        # burst of events costs one read per tenant. An unknown one is read again each time.
        self._known: set[str] = set()

    def accept(self, detail: Any) -> dict[str, Any] | None:
        """The detail, unchanged, when it may be acted on; None when its case was deleted;
        MalformedEvent (or UnknownTenant) otherwise."""
        if self._is_of_deleted_case(detail):
            return None  # checked first: a claim-checked detail of a deleted case is gone with it
        tenant_id = check(detail).tenant_id
        if tenant_id not in self._known:
            if not self._tenants.tenant_exists(tenant_id):
                raise UnknownTenant(f"no tenant {tenant_id!r}: the event is not one of ours")
            self._known.add(tenant_id)
        return detail

    def _is_of_deleted_case(self, detail: Any) -> bool:
        if self._forgotten is None or not isinstance(detail, dict) or detail.get("eventType") in ERASURE_EVENT_TYPES:
            return False
        tenant_id, case_id = detail.get("tenantId"), detail.get("caseId")
        if not (isinstance(tenant_id, str) and isinstance(case_id, str) and tenant_id and case_id):
            return False
        return self._forgotten.case(tenant_id, case_id)
