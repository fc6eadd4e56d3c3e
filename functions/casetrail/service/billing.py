"""Billing use cases: meter an event, show a month's usage and its records, reconcile a month."""

from typing import Any

from casetrail.domain.billing import Pricing, Reconciliation, UnitKind, UsageSummary, bill, reconcile, usage_record_of
from casetrail.domain.errors import InvalidRequest
from casetrail.domain.identity import Principal, require_supervising
from casetrail.service.case_search import CaseFinder
from casetrail.store.outbox import CreatedCases
from casetrail.service.tenant_settings_cache import TenantSettingsCache
from casetrail.service.write_conflicts import retried_on_conflict
from casetrail.store.usage import UsagePage, UsageRepository

MAX_RECORDS_PAGE = 1000
# Who may see what a tenant is billed: its supervisors and admins, not agents or integrations.


class PriceList:
    """The tenant's own pricing when an admin set one, else the stack's default."""

    def __init__(self, usage: UsageRepository, default: Pricing):
        self._usage = usage
        self._default = default

    def for_tenant(self, tenant_id: str) -> Pricing:
        return self._usage.pricing(tenant_id) or self._default


class MeteringService:
    def __init__(self, usage: UsageRepository, prices: PriceList):
        self._usage = usage
        self._prices = TenantSettingsCache(prices.for_tenant)

    def meter(self, detail: dict[str, Any]) -> bool:
        """Meters what a case event stands for; True when it counted something new. A duplicate,
        a replay or an event that meters nothing returns False and changes nothing."""
        record = usage_record_of(detail)
        if record is None:
            return False
        tenant_id = detail["tenantId"]
        if record.kind is UnitKind.TASK and self._prices.get(tenant_id).task_unit_price is None:
            return False  # tasks are free for this tenant: nothing to meter
        return retried_on_conflict(lambda: self._usage.meter(tenant_id, record))


class BillingService:
    def __init__(self, usage: UsageRepository, cases: CaseFinder, prices: PriceList):
        self._usage = usage
        self._cases = cases
        self._prices = prices

    def summary(self, principal: Principal, month: str) -> UsageSummary:
        _require_billing_role(principal)
        counts = self._usage.counts(principal.tenant_id, month)
        return bill(month, self._prices.for_tenant(principal.tenant_id), cases=counts.cases, tasks=counts.tasks)

    def records(self, principal: Principal, month: str, *, limit: int, next_token: str | None) -> UsagePage:
        _require_billing_role(principal)
        if not 1 <= limit <= MAX_RECORDS_PAGE:
            raise InvalidRequest(f"limit must be between 1 and {MAX_RECORDS_PAGE}")
        return self._usage.records(principal.tenant_id, month, limit=limit, next_token=next_token)

    def reconciliation(self, principal: Principal, month: str) -> Reconciliation:
        _require_billing_role(principal)
        return reconcile_month(self._usage, self._cases, principal.tenant_id, month)


def reconcile_month(usage: UsageRepository, cases: "CaseFinder | CreatedCases", tenant_id: str, month: str) -> Reconciliation:
    """Compares the cases created in the month (the API: from the search index; the admin command:
    from the audit records) with the month's usage records and counter. Reads every case and record
    of the month once: an audit, not a request-path read."""
    return reconcile(
        month,
        created=set(cases.case_ids_created_in(tenant_id, month)),
        metered=set(usage.metered_case_ids(tenant_id, month)),
        counted=usage.counts(tenant_id, month).cases,
    )


def _require_billing_role(principal: Principal) -> None:
    require_supervising(principal, "see billing")
