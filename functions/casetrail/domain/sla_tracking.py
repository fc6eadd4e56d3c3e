"""What a case event or a breach does to a case's SLAs, as case changes. Pure.

Each SLA whose state changed is one change of the case's SLA state (audit record, event
SLA.ASSIGNED/UPDATED/BREACHED/MET/NOT_MET) carrying an `sla` related item for the timeline, so
the case, its `nextSlaBreachAt`, the timeline entry and the event commit together. It is
bookkeeping, not an edit: the case's version (what a client's If-Match names), updatedAt and
updatedBy stay as they are, and only the SLA state's own revision moves. Applying the
same event twice yields no change the second time: the SLA already holds it (no dedupe record).
"""

from datetime import datetime
from typing import Any

from casetrail.domain.cases import Case
from casetrail.domain.events import CaseChange, ChangeType, FieldChange, PerformedBy
from casetrail.domain.identity import Principal, Role, PrincipalKind
from casetrail.domain.related_items import RelatedItem, RelatedItemType
from casetrail.domain.slas import Sla, SlaConfiguration, SlaStatus, breached, event_type_for, new_slas, next_breach_at, with_status_change

SLA_PRINCIPAL_ID = "sla"
# The case events that can assign, pause, resume or complete an SLA.
SLA_INPUT_EVENT_TYPES = ("CASE.CREATED", "CASE.UPDATED")
_ASSIGNING_FIELDS = frozenset({"priority", "category", "templateId"})
_COMPLETION_EVENTS = frozenset({ChangeType.SLA_MET.value, ChangeType.SLA_NOT_MET.value})


def sla_principal(tenant_id: str) -> Principal:
    return Principal(tenant_id=tenant_id, principal_id=SLA_PRINCIPAL_ID, name="SLA clock", role=Role.INTEGRATION, kind=PrincipalKind.SYSTEM)


def may_assign(detail: dict[str, Any]) -> bool:
    """Whether the event can make a policy apply (a creation, or a priority/category/template change)."""
    return detail["eventType"] == "CASE.CREATED" or bool(_changed(detail).keys() & _ASSIGNING_FIELDS)


def on_case_event(case: Case, detail: dict[str, Any], configuration: SlaConfiguration, history: list[dict[str, Any]] = ()) -> list[CaseChange]:
    """The SLA changes a CASE.CREATED/UPDATED event causes on the case as it is now. `history` (the
    case's changes recorded after this event's version, needed when may_assign) gives a new SLA
    the status changes made since its start, even those whose events were handled before this one."""
    at = datetime.fromisoformat(detail["approximateChangeTime"])
    status = _changed(detail).get("status", {}).get("newValue")
    calendar = configuration.calendar
    updated = [with_status_change(sla, at, status, calendar) for sla in case.slas] if status else list(case.slas)
    if may_assign(detail):
        snapshot = detail["case"]  # policies match the case as the event saw it
        for sla in new_slas(updated, snapshot, configuration.policies, at):
            updated.extend(_caught_up(with_status_change(sla, at, snapshot["status"], calendar), history, calendar))
    return _changes(case, updated, at)


def _caught_up(assigned: Sla, history: list[dict[str, Any]], calendar) -> list[Sla]:
    """A new SLA brought up to date with the status changes the audit already holds: its state
    when assigned (paused or resumed since, still running) and, when the case was resolved since
    (consumer lag, redelivery, a redrive), its completion too. Each is one change, so a late
    assignment still publishes the SLA.MET or SLA.NOT_MET that metrics count."""
    running = final = assigned
    for when, later_status in _status_changes(history):
        final = with_status_change(final, when, later_status, calendar)
        if final.is_running:
            running = final
    return [running] if final == running else [running, final]


def _changed(detail: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["fieldId"]: c for c in detail.get("changes", [])}


def _status_changes(history: list[dict[str, Any]]):
    for detail in history:
        status = _changed(detail).get("status")
        if status is not None and detail["eventType"] in SLA_INPUT_EVENT_TYPES:
            yield datetime.fromisoformat(detail["approximateChangeTime"]), status["newValue"]


def on_sweep(case: Case, now: datetime) -> list[CaseChange]:
    """Active SLAs past their target become Overdue (each once: an Overdue SLA is not breached again)."""
    flagged = [sla.model_copy(update={"status": SlaStatus.OVERDUE}) if breached(sla, now) else sla for sla in case.slas]
    return _changes(case, flagged, now)


def _changes(case: Case, updated: list[Sla], at: datetime) -> list[CaseChange]:
    """One change per SLA state in `updated` (in order; an SLA may appear more than once) that
    differs from the state before it."""
    by = sla_principal(case.tenant_id)
    changes: list[CaseChange] = []
    current = case
    for sla in updated:
        before = next((s for s in current.slas if s.name == sla.name), None)
        event_type = event_type_for(before, sla)
        if event_type is None:
            continue
        # A completion happened when the case was resolved, whenever the consumer learns of it.
        when = sla.completion_time if event_type in _COMPLETION_EVENTS and sla.completion_time else at
        slas = [sla if s.name == sla.name else s for s in current.slas] if before is not None else [*current.slas, sla]
        previous = current
        current = current.model_copy(
            update={"slas": slas, "next_sla_breach_at": next_breach_at(slas), "sla_revision": current.sla_revision + 1}
        )
        field = FieldChange.of("next_sla_breach_at", _iso(previous.next_sla_breach_at), _iso(current.next_sla_breach_at))
        change = CaseChange.record(ChangeType(event_type), case=current, changes=[field], by=by, at=when)
        changes.append(change.model_copy(update={"related_item": _timeline_entry(current, sla, event_type, change.event_id, when, by)}))
    return changes


def _timeline_entry(case: Case, sla: Sla, event_type: str, event_id: str, at: datetime, by: Principal) -> RelatedItem:
    return RelatedItem(
        related_item_id=event_id,  # one entry per SLA event, like a task's
        case_id=case.case_id,
        tenant_id=case.tenant_id,
        type=RelatedItemType.SLA,
        content={**sla.to_wire(), "event": event_type},
        created_at=at,
        created_by=PerformedBy.of(by),
    )


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
