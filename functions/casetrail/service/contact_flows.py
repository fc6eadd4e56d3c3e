"""Self-service in Amazon Connect contact flows: find, open and update a caller's case, and attach
the contact for routing. Built on the case, customer, timeline and task services; nothing here
knows Connect's event format (handlers/connect/ does) or DynamoDB (store/ does).
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from casetrail.domain.cases import Case, CasePatch, NewCase
from casetrail.domain.customers import Customer, NewCustomer
from casetrail.domain.errors import CaseNotFound, Conflict, CustomerNotFound, InvalidRequest, UnsupportedFilter
from casetrail.domain.identity import Principal
from casetrail.domain.reference_numbers import speakable
from casetrail.domain.related_items import NewComment, NewContact
from casetrail.domain.self_service import customer_status_change, status_message
from casetrail.domain.statuses import WORKING, CaseStatus
from casetrail.service.cases import CaseService, utc_now
from casetrail.service.customers import CustomerService
from casetrail.service.related_items import RelatedItemService
from casetrail.store.cases import CaseRepository, CaseSearch
from casetrail.store.tasks import TaskRepository

# A caller's open cases are looked for among their most recent cases only: one bounded query,
# whatever the customer's history. A customer with more open cases than this is an agent's call.
RECENT_CASES_READ = 50
OPEN_TASKS_READ = 50
CUSTOM_FIELD_PREFIX = "field_"
# A caller created from a phone number has no name yet; an agent completes it.
UNNAMED_CALLER = "Phone caller"
# Case ids of flow-created cases are derived from tenant and contact: stable across retries.
_CASE_ID_NAMESPACE = uuid.UUID("6f1c1b4e-2a57-4f0e-9d0a-3c6b8e5a7d21")

Result = dict[str, Any]


@dataclass(frozen=True)
class FlowContact:
    """The contact a flow runs for, as the service needs it."""

    contact_id: str
    channel: str  # VOICE, CHAT, TASK, EMAIL
    phone: str | None  # the caller's number, E.164, when the channel has one
    parameters: dict[str, str] = field(default_factory=dict)

    def parameter(self, name: str) -> str | None:
        value = (self.parameters.get(name) or "").strip()
        return value or None


class ContactFlowService:
    def __init__(
        self,
        cases: CaseService,
        customers: CustomerService,
        related_items: RelatedItemService,
        case_repository: CaseRepository,
        tasks: TaskRepository,
        clock: Callable[[], datetime] = utc_now,
    ):
        self._cases = cases
        self._customers = customers
        self._related_items = related_items
        self._case_repository = case_repository
        self._tasks = tasks
        self._clock = clock

    # --- the four functions ------------------------------------------------------------------

    def find_case(self, principal: Principal, contact: FlowContact) -> Result:
        customer = self._caller(principal, contact)
        result: Result = {"customerFound": customer is not None, "customerId": customer.customer_id if customer else None}
        open_cases = self._open_cases(principal, customer) if customer else []
        result["openCaseCount"] = len(open_cases)
        reference = contact.parameter("referenceNumber")
        case = self._own_case_by_reference(principal, customer, reference) if reference else (open_cases[0] if open_cases else None)
        result["caseFound"] = case is not None
        if case is not None:
            result.update(self._case_status(principal, case))
        return result

    def create_case(self, principal: Principal, contact: FlowContact) -> Result:
        title = contact.parameter("title")
        if title is None:
            raise InvalidRequest("the flow must pass a title parameter", details={"parameter": "title"})
        customer = self._caller(principal, contact) or self._new_caller(principal, contact)
        command = NewCase(
            title=title,
            customer_id=customer.customer_id,
            category=contact.parameter("category"),
            description=contact.parameter("description"),
            template_id=contact.parameter("templateId"),
            fields=self._cases.fields_from_text(principal, _field_parameters(contact)),
        )
        # Each step converges when Connect retries after a failure part-way: the case id is derived
        # from the contact (a retry finds the case), and the contact is attached once per case.
        case = self._cases.create(principal, command, case_id=_case_id_for(principal, contact))
        self._attach(principal, case, contact)
        return {
            "caseId": case.case_id,
            "referenceNumber": case.reference_number,
            "referenceNumberSpoken": speakable(case.reference_number),
            "customerId": customer.customer_id,
        }

    def update_case(self, principal: Principal, contact: FlowContact) -> Result:
        note, status, attach = contact.parameter("note"), contact.parameter("status"), contact.parameter("attachContact") == "true"
        if not (note or status or attach):
            raise InvalidRequest("pass at least one of note, status or attachContact=true")
        case = self._target_case(principal, contact, owned=True)
        if note:
            self._related_items.add(principal, case.case_id, NewComment.model_validate({"type": "comment", "content": {"body": note, "internal": False}}))
        if attach:
            self._attach(principal, case, contact)
        if status:
            case = self._cases.get(principal, case.case_id)  # the version after the additions above
            target = customer_status_change(case.status, _status(status))
            case = self._cases.update(principal, case.case_id, CasePatch(status=target), expected_version=case.version)
        return {"caseId": case.case_id, "referenceNumber": case.reference_number, "status": case.status.value}

    def attach_contact(self, principal: Principal, contact: FlowContact) -> Result:
        try:
            case = self._target_case(principal, contact, owned=False)
        except CaseNotFound:
            return {"caseFound": False}
        self._attach(principal, case, contact)
        return {
            "caseFound": True,
            "caseId": case.case_id,
            "referenceNumber": case.reference_number,
            "casePriority": case.priority.value,
            "caseQueue": case.queue,
            "caseAssignee": case.assignee,
        }

    # --- who is calling, and which case -------------------------------------------------------

    def _caller(self, principal: Principal, contact: FlowContact) -> Customer | None:
        """The caller: a customerId or email the flow passes (it identified them), else the phone."""
        customer_id, email = contact.parameter("customerId"), contact.parameter("email")
        try:
            if customer_id:
                return self._customers.get(principal, customer_id)
        except CustomerNotFound:
            return None
        if email:
            found = self._customers.find(principal, phone=None, email=email.lower())
        elif contact.phone:
            found = self._customers.find(principal, phone=contact.phone, email=None)
        else:
            found = []
        return found[0] if found else None

    def _new_caller(self, principal: Principal, contact: FlowContact) -> Customer:
        if not contact.phone:
            raise CustomerNotFound("the caller is unknown and has no phone number to create them from")
        name = contact.parameter("customerName") or UNNAMED_CALLER
        try:
            return self._customers.create(principal, NewCustomer(name=name, phone=contact.phone))
        except Conflict:  # the same number created by a concurrent contact: use that customer
            return self._customers.find(principal, phone=contact.phone, email=None)[0]

    def _open_cases(self, principal: Principal, customer: Customer) -> list[Case]:
        try:
            page = self._case_repository.list_cases(
                principal.tenant_id, CaseSearch(customer_id=customer.customer_id), limit=RECENT_CASES_READ
            )
        except UnsupportedFilter:
            # The first step of an index upgrade (store/case_indexes.py): the customer's index is not
            # queryable yet, so the caller is answered as one without open cases, for that step only.
            return []
        return [case for case in page.items if case.status in WORKING]  # newest first

    def _own_case_by_reference(self, principal: Principal, customer: Customer | None, reference: str) -> Case | None:
        # A number typed on the keypad only counts for the caller's own cases: someone else's case
        # answers exactly as a number that does not exist.
        if customer is None:
            return None
        try:
            case = self._cases.get_by_reference(principal, reference)
        except CaseNotFound:
            return None
        return case if case.customer_id == customer.customer_id else None

    def _target_case(self, principal: Principal, contact: FlowContact, *, owned: bool) -> Case:
        """The case a flow names (caseId or referenceNumber), else the caller's most recent open one.
        With `owned`, a named case must be the caller's: an unidentified caller may change nothing."""
        case_id, reference = contact.parameter("caseId"), contact.parameter("referenceNumber")
        customer = self._caller(principal, contact)
        if case_id or reference:
            try:
                case = self._cases.get(principal, case_id) if case_id else self._cases.get_by_reference(principal, reference or "")
            except CaseNotFound:
                case = None
            if case is None or (owned and (customer is None or case.customer_id != customer.customer_id)):
                raise CaseNotFound("no such case for this caller")
            return case
        open_cases = self._open_cases(principal, customer) if customer else []
        if not open_cases:
            raise CaseNotFound("the caller has no open case")
        return open_cases[0]

    # --- what the caller hears, what goes on the timeline -------------------------------------

    def _case_status(self, principal: Principal, case: Case) -> Result:
        tasks = self._tasks.of_case(principal.tenant_id, case.case_id, limit=OPEN_TASKS_READ, active_only=True).items
        due = sorted((t for t in tasks if t.due_at), key=lambda t: t.due_at)
        next_task = due[0] if due else None
        return {
            "caseId": case.case_id,
            "referenceNumber": case.reference_number,
            "status": case.status.value,
            "priority": case.priority.value,
            "assignee": case.assignee,
            "queue": case.queue,
            "openTaskCount": len(tasks),
            "nextTaskDueAt": next_task.due_at.isoformat() if next_task else None,
            "statusMessage": status_message(
                case,
                next_task_name=next_task.name if next_task else None,
                next_task_due_at=next_task.due_at if next_task else None,
                now=self._clock(),
            ),
        }

    def _attach(self, principal: Principal, case: Case, contact: FlowContact) -> None:
        # One timeline entry per contact and case, however often Connect retries: the contact's
        # links (one small partition) say whether this case already has it.
        links = self._related_items.contact_cases(principal, contact.contact_id, limit=100, next_token=None).items
        if any(link.case_id == case.case_id for link in links):
            return
        self._related_items.add(principal, case.case_id, self._contact_item(contact))

    def _contact_item(self, contact: FlowContact) -> NewContact:
        return NewContact.model_validate(
            {
                "type": "contact",
                "content": {
                    "contactId": contact.contact_id,
                    "channel": contact.channel,
                    "direction": "INBOUND",
                    "initiatedAt": self._clock().isoformat(),
                },
            }
        )


def _case_id_for(principal: Principal, contact: FlowContact) -> str:
    return str(uuid.uuid5(_CASE_ID_NAMESPACE, f"{principal.tenant_id}:{contact.contact_id}"))


def _status(value: str) -> CaseStatus:
    try:
        return CaseStatus(value)
    except ValueError as error:
        raise InvalidRequest(f"{value} is not a case status", details={"parameter": "status"}) from error


def _field_parameters(contact: FlowContact) -> dict[str, str]:
    """The custom field values a flow collected, `field_<fieldId>` parameters, by field id."""
    return {
        name.removeprefix(CUSTOM_FIELD_PREFIX): value
        for name, value in contact.parameters.items()
        if name.startswith(CUSTOM_FIELD_PREFIX) and value
    }
