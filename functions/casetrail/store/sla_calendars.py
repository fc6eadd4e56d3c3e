"""A tenant's own business calendar for its SLA clocks (one item, in the cases table); tenants
without one use the deployment's calendar."""

from casetrail.domain.sla_clock import BusinessCalendar
from casetrail.store import keys
from casetrail.store.dynamo import Table, serialize


class SlaCalendarRepository:
    def __init__(self, table: Table):
        self._table = table

    def get(self, tenant_id: str) -> BusinessCalendar | None:
        item = self._table.get(keys.tenant_sla_calendar_item(tenant_id))
        return BusinessCalendar.model_validate(item["calendar"]) if item else None

    def put(self, tenant_id: str, calendar: BusinessCalendar) -> None:
        item = {**keys.tenant_sla_calendar_item(tenant_id), "calendar": calendar.model_dump(by_alias=True, mode="json")}
        self._table.client.put_item(TableName=self._table.name, Item=serialize(item))
