"""Reading the SLA policies a tenant's cases get (supervisors' dashboard)."""

from casetrail.domain.identity import Principal, require_supervising
from casetrail.domain.slas import SlaConfiguration, TenantSlaPolicies, tenant_sla_policies
from casetrail.store.sla_calendars import SlaCalendarRepository


class SlaPolicyReader:
    def __init__(self, configuration: SlaConfiguration, calendars: SlaCalendarRepository):
        self._configuration = configuration
        self._calendars = calendars

    def read(self, principal: Principal) -> TenantSlaPolicies:
        require_supervising(principal, "read SLA policies")
        return tenant_sla_policies(self._configuration, self._calendars.get(principal.tenant_id))
