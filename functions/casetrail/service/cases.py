"""Case use cases: load, apply the domain, store. No HTTP and no DynamoDB details here."""

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from casetrail.domain import cases as domain
from casetrail.domain.cases import Case, CasePatch, NewCase
from casetrail.domain.errors import CaseNotFound, InvalidRequest, TemplateNotFound, UnknownReference, VersionConflict
from casetrail.domain.families import MAX_DEPTH, check_new_parent
from casetrail.domain.identity import Principal
from casetrail.domain.merges import merge_cases
from casetrail.domain.users import assignee_for
from casetrail.domain.statuses import CaseStatus
from casetrail.domain.reference_numbers import is_well_formed, reference_number
from casetrail.domain.template_rules import CASE_ATTRIBUTES, touched_ids
from casetrail.domain.templates import case_fields_from_template, changed_field_values, check_case_rules, values_from_text
from casetrail.service.write_conflicts import LOST_RACE, WRITE_ATTEMPTS, kept_changing, pause_before_retry
from casetrail.store.case_family import Children, FamilyRepository
from casetrail.store.cases import AuditPage, CasePage, CaseExists, CaseRepository, CaseSearch, ReferenceTaken
from casetrail.store.customers import CustomerRepository
from casetrail.store.templates import DefinitionRepository

if TYPE_CHECKING:
    from casetrail.service.case_closure import CaseClosure, OpenTasksChoice
    from casetrail.service.case_search import CaseFinder
    from casetrail.service.users import UserDirectory

Clock = Callable[[], datetime]

MAX_PAGE_SIZE = 100
# A merged case's number leads to its survivor, which may have been merged on in turn.
MAX_MERGE_HOPS = 10
# A sequence value can only be taken twice if the counter item was restored from a backup; a
# few retries then skip past the numbers already in use.
_REFERENCE_ATTEMPTS = 5


# A case created on behalf of something the client retries (an Idempotency-Key, a Connect contact)
# gets an id derived from it, so a retry after a crash past the commit finds the first case instead
# of opening (and billing) a second one.
_IDEMPOTENCY_KEY_NAMESPACE = uuid.UUID("0b9a4c36-5f0e-4d8e-8d57-2f1d6a3c9e41")


def case_id_for_idempotency_key(tenant_id: str, idempotency_key: str) -> str:
    return str(uuid.uuid5(_IDEMPOTENCY_KEY_NAMESPACE, f"{tenant_id}\n{idempotency_key}"))


def utc_now() -> datetime:
    return datetime.now(UTC)


class CaseService:
    def __init__(
        self,
        repository: CaseRepository,
        customers: CustomerRepository,
        clock: Clock = utc_now,
        closure: "CaseClosure | None" = None,
        definitions: DefinitionRepository | None = None,
        users: "UserDirectory | None" = None,  # checks assignees (the API); flows and rules do not assign people
        finder: "CaseFinder | None" = None,  # GET /cases (the API); flows and rules never list
    ):
        self._repository = repository
        self._customers = customers
        self._clock = clock
        self._closure = closure  # the rule for open tasks when a case is resolved or closed
        self._definitions = definitions or DefinitionRepository(repository.table)
        self._users = users
        self._finder = finder
        self._family = FamilyRepository(repository.table)

    def _require_customer(self, principal: Principal, customer_id: str) -> None:
        # Customers are never deleted, so checking before the write leaves no window that matters.
        if not self._customers.exists(principal.tenant_id, customer_id):
            raise UnknownReference(
                f"customer {customer_id} does not exist: create it with POST /customers first",
                details={"customerId": customer_id},
            )

    def create(self, principal: Principal, command: NewCase, case_id: str | None = None) -> Case:
        """Opens a case. A caller that derives `case_id` from something retried (a contact id)
        gets the case an earlier attempt created instead of a second one."""
        self._require_customer(principal, command.customer_id)
        if self._users is not None:
            command = command.model_copy(update={"assignee": self._users.assignee(principal, command.assignee)})
        if command.parent_case_id:
            check_new_parent("", self._ancestry(principal, command.parent_case_id))
        if command.template_id or command.fields:
            template = self._template(principal, command.template_id)
            attributes = {"status": CaseStatus.OPEN} | {name: getattr(command, name) for name in CASE_ATTRIBUTES if name != "status"}
            values = case_fields_from_template(template, command.fields, self._definitions.fields(principal.tenant_id), attributes)
            command = command.model_copy(update={"fields": values})
        case_id = case_id or str(uuid.uuid4())
        for _ in range(_REFERENCE_ATTEMPTS):
            reference = reference_number(self._repository.next_reference_sequence(principal.tenant_id))
            change = domain.open_case(command, case_id=case_id, reference_number=reference, by=principal, at=self._clock())
            try:
                self._repository.create(change)
                return change.case
            except ReferenceTaken:
                continue
            except CaseExists:
                return self._repository.get(principal.tenant_id, case_id)
        raise RuntimeError("could not allocate a free reference number")

    def fields_from_text(self, principal: Principal, texts: dict[str, str]) -> dict[str, Any]:
        return values_from_text(texts, self._definitions.fields(principal.tenant_id))

    def _template(self, principal: Principal, template_id: str | None):
        if template_id is None:
            return None
        try:
            return self._definitions.get_template(principal.tenant_id, template_id)
        except TemplateNotFound:
            raise UnknownReference(f"template {template_id} does not exist", details={"templateId": template_id}) from None

    def get(self, principal: Principal, case_id: str) -> Case:
        return self._repository.get(principal.tenant_id, case_id)

    def get_by_reference(self, principal: Principal, reference: str) -> Case:
        """The case with that number, or the case it was merged into (and so on): a number a
        customer quotes always leads to the case being worked on."""
        if not is_well_formed(reference):
            raise CaseNotFound(f"{reference} is not a valid reference number (check digit mismatch)")
        case = self._repository.get_by_reference(principal.tenant_id, reference)
        for _ in range(MAX_MERGE_HOPS):
            if not case.merged_into:
                break
            case = self._repository.get(principal.tenant_id, case.merged_into)
        return case

    def update(
        self,
        principal: Principal,
        case_id: str,
        patch: CasePatch,
        expected_version: int | None,
        open_tasks: "OpenTasksChoice | None" = None,
    ) -> Case:
        """Applies the patch if the case is still at `expected_version` (else 412; None: the
        version this call reads, for a bulk change that names none). A write that loses a race
        without the version moving (a transaction conflict, a task closed meanwhile) is planned
        again on the fresh case: the caller's If-Match still holds."""
        for attempt in range(WRITE_ATTEMPTS):
            case = self._repository.get(principal.tenant_id, case_id)
            expected_version = case.version if expected_version is None else expected_version
            if case.version != expected_version:
                raise VersionConflict(
                    f"case {case_id} is at version {case.version}, not {expected_version}",
                    details={"currentVersion": case.version},
                )
            try:
                return self._apply(principal, case, patch, open_tasks)
            except LOST_RACE:
                pause_before_retry(attempt)
        raise kept_changing(case_id)

    def _apply(self, principal: Principal, case: Case, patch: CasePatch, open_tasks: "OpenTasksChoice | None") -> Case:
        if patch.parent_case_id is not None and patch.parent_case_id != case.parent_case_id:
            check_new_parent(case.case_id, self._ancestry(principal, patch.parent_case_id))
        if patch.customer_id is not None and patch.customer_id != case.customer_id:
            self._require_customer(principal, patch.customer_id)
        if self._users is not None and "assignee" in patch.model_fields_set:
            patch = patch.model_copy(update={"assignee": self._users.assignee(principal, patch.assignee, current=case.assignee)})
        if patch.fields is not None:
            # The patch names only the fields it changes; the domain compares whole maps.
            merged = changed_field_values(case.fields, patch.fields, self._definitions.fields(principal.tenant_id))
            patch = patch.model_copy(update={"fields": merged})
        change = domain.update_case(case, patch, by=principal, at=self._clock())
        if change is None:
            return case
        if case.template_id:
            # The template's rules hold on the case after the change (those the change touches).
            template = self._definitions.get_template(principal.tenant_id, case.template_id)
            updated = change.case
            check_case_rules(template, updated.fields, {n: getattr(updated, n) for n in CASE_ATTRIBUTES}, touched_ids(change.changed_field_ids))
        if self._closure is None:
            self._repository.save(change, within_budget=True)
            return change.case
        closure = self._closure.plan(case, change, open_tasks, principal)
        self._repository.save(closure.change, also=closure.also, earlier=closure.earlier, within_budget=True)
        return closure.change.case

    def _ancestry(self, principal: Principal, parent_case_id: str) -> list[str]:
        """The proposed parent and its ancestors, nearest first, cut after MAX_DEPTH + 1 (enough to refuse)."""
        chain, next_id = [], parent_case_id
        while next_id and len(chain) <= MAX_DEPTH:
            try:
                parent = self._repository.get(principal.tenant_id, next_id)
            except CaseNotFound:
                raise UnknownReference(f"case {next_id} does not exist", details={"parentCaseId": next_id}) from None
            if not chain and parent.merged_into:
                raise UnknownReference(
                    f"case {next_id} was merged into case {parent.merged_into}: choose that one as the parent",
                    details={"parentCaseId": next_id, "mergedInto": parent.merged_into},
                )
            chain.append(parent.case_id)
            if parent.case_id in chain[:-1]:
                break  # an existing loop (cannot happen through this service): stop walking
            next_id = parent.parent_case_id
        return chain

    def merge(self, principal: Principal, case_id: str, into: str, open_tasks: "OpenTasksChoice | None" = None) -> Case:
        """Merges case `case_id` into case `into` (domain/merges.py); returns the survivor. Asking
        again for a merge that is done answers the survivor as it is now."""
        for attempt in range(WRITE_ATTEMPTS):
            duplicate = self._repository.get(principal.tenant_id, case_id)
            if duplicate.merged_into == into:
                return self._repository.get(principal.tenant_id, into)
            try:
                survivor = self._repository.get(principal.tenant_id, into)
            except CaseNotFound:
                raise UnknownReference(f"case {into} does not exist", details={"into": into}) from None
            merge = merge_cases(duplicate, survivor, by=principal, at=self._clock())
            closing, earlier, also = merge.duplicate, [], []
            if self._closure is not None:
                closure = self._closure.plan(duplicate, merge.duplicate, open_tasks, principal)
                closing, earlier, also = closure.change, closure.earlier, closure.also
            try:
                self._repository.merge(closing, merge.survivor, earlier=earlier, also=also)
                return merge.survivor.case
            except LOST_RACE:
                pause_before_retry(attempt)
        raise kept_changing(case_id)

    def children(self, principal: Principal, case_id: str, *, limit: int, next_token: str | None) -> Children:
        found = self._family.children(principal.tenant_id, case_id, limit=page_size(limit), next_token=next_token)
        if not found.items and next_token is None:
            self._repository.get(principal.tenant_id, case_id)  # an unknown case is a 404, not an empty family
        return found

    def list_cases(self, principal: Principal, search: CaseSearch, *, limit: int, next_token: str | None) -> CasePage:
        search = replace(search, assignee=assignee_for(search.assignee, principal))  # assignee=me: the caller's cases
        if self._finder is None:
            raise RuntimeError("this CaseService was built without a CaseFinder: it cannot list cases")
        return self._finder.list_cases(principal.tenant_id, search, limit=page_size(limit), next_token=next_token)

    def audit(self, principal: Principal, case_id: str, *, limit: int, next_token: str | None) -> AuditPage:
        return self._repository.audit(principal.tenant_id, case_id, limit=page_size(limit), next_token=next_token)


def page_size(limit: int) -> int:
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise InvalidRequest(f"limit must be between 1 and {MAX_PAGE_SIZE}")
    return limit
