"""Customer use cases: create, read, change, look up by phone or email, list their cases."""

import uuid

from casetrail.domain.customers import Customer, CustomerPatch, NewCustomer, masked
from casetrail.domain.errors import InvalidRequest
from casetrail.domain.identity import Principal
from casetrail.observability import logger
from casetrail.service.cases import Clock, page_size, utc_now
from casetrail.store.cases import CasePage, CaseSearch
from casetrail.service.case_search import CaseFinder
from casetrail.store.customers import CustomerRepository


class CustomerService:
    def __init__(self, customers: CustomerRepository, cases: CaseFinder, clock: Clock = utc_now):
        self._customers = customers
        self._cases = cases
        self._clock = clock

    def create(self, principal: Principal, command: NewCustomer) -> Customer:
        at = self._clock()
        customer = Customer(
            **command.model_dump(exclude={"customer_id"}),
            customer_id=command.customer_id or str(uuid.uuid4()),
            tenant_id=principal.tenant_id,
            version=1,
            created_at=at,
            updated_at=at,
        )
        self._customers.create(customer)
        return customer

    def get(self, principal: Principal, customer_id: str) -> Customer:
        return self._customers.get(principal.tenant_id, customer_id)

    def update(self, principal: Principal, customer_id: str, patch: CustomerPatch) -> Customer:
        before = self._customers.get(principal.tenant_id, customer_id)
        after = before.patched(patch, self._clock())
        self._customers.save(before, after)
        return after

    def find(self, principal: Principal, *, phone: str | None, email: str | None) -> list[Customer]:
        if bool(phone) == bool(email):
            raise InvalidRequest("look customers up by exactly one of phone or email")
        found = self._customers.find(principal.tenant_id, phone=phone, email=email)
        logger.info("Customer lookup", extra={"by": "phone" if phone else "email", "value": masked(phone or email), "found": bool(found)})
        return [found] if found else []

    def cases(self, principal: Principal, customer_id: str, *, status: str | None, limit: int, next_token: str | None) -> CasePage:
        self._customers.get(principal.tenant_id, customer_id)  # an unknown customer is a 404, not an empty list
        search = CaseSearch(customer_id=customer_id, status=status)
        return self._cases.list_cases(principal.tenant_id, search, limit=page_size(limit), next_token=next_token)
