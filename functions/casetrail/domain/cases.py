"""Cases: the models, and the pure functions that turn a command into a change.

A change is the new case plus the audit record describing it; the audit record is also the event
that will be published (see domain/events.py), so the store writes both in one transaction.
"""

from datetime import datetime
from typing import Annotated, Any

from pydantic import Field, field_validator, model_validator
from pydantic.json_schema import SkipJsonSchema

from casetrail.domain.errors import CaseMerged, InvalidTransition
from casetrail.domain.events import CaseChange, ChangeType, FieldChange
from casetrail.domain.identity import Principal
from casetrail.domain.model_base import CamelModel, CommandModel, Identifier, bounded_text
from casetrail.domain.slas import Sla
from casetrail.domain.statuses import CaseStatus, Priority, can_transition, is_reopen
from casetrail.domain.templates import DefinitionId, FieldValue

Title = bounded_text(200)
Description = bounded_text(10_000, min_length=0)
Category = bounded_text(100)
Tag = bounded_text(50)
# Custom field values by field id; checked against the tenant's field definitions by the service.
FieldValues = Annotated[dict[DefinitionId, FieldValue | None], Field(max_length=100)]
CUSTOM_FIELDS_PREFIX = "fields."
MAX_TAGS = 20
Tags = Annotated[list[Tag], Field(max_length=MAX_TAGS)]


def _unique_tags(tags: list[str] | None) -> list[str] | None:
    if tags is None:
        return None
    return list(dict.fromkeys(tags))


class NewCase(CommandModel):
    """Body of POST /cases."""

    title: Title
    customer_id: Identifier
    description: Description | None = None
    priority: Priority = Priority.NORMAL
    category: Category | None = None
    assignee: Identifier | None = None
    queue: Identifier | None = None
    tags: Tags = Field(default_factory=list)
    template_id: DefinitionId | None = None
    fields: FieldValues = Field(default_factory=dict)
    parent_case_id: Identifier | None = Field(default=None, description="Makes this case a child of that case")

    _dedupe_tags = field_validator("tags")(_unique_tags)


class CasePatch(CommandModel):
    """Body of PATCH /cases/{caseId}: only the fields present change; null clears an optional one."""

    title: Title | None = None
    description: Description | None = None
    status: CaseStatus | None = None
    priority: Priority | None = None
    category: Category | None = None
    assignee: Identifier | None = None
    queue: Identifier | None = None
    tags: Tags | None = None
    customer_id: Identifier | None = None
    fields: FieldValues | None = Field(default=None, description="Only the fields named change; null removes a value")
    parent_case_id: Identifier | None = Field(default=None, description="Another parent case; null detaches the case from its parent")

    _dedupe_tags = field_validator("tags")(_unique_tags)

    @model_validator(mode="after")
    def _required_fields_stay_set(self):
        for name in ("title", "status", "priority", "customer_id", "fields"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        if not self.model_fields_set:
            raise ValueError("the patch changes nothing: send at least one field")
        return self


class Case(CamelModel):
    """A case as stored, returned by the API and carried in events."""

    case_id: str
    tenant_id: str
    reference_number: str
    title: str
    customer_id: str
    description: str | None = None
    status: CaseStatus = CaseStatus.OPEN
    priority: Priority = Priority.NORMAL
    category: str | None = None
    assignee: str | None = None
    queue: str | None = None
    tags: list[str] = Field(default_factory=list)
    version: int = Field(ge=1)
    created_at: datetime
    updated_at: datetime
    created_by: str
    updated_by: str
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    reopen_count: int = 0
    template_id: str | None = None
    fields: dict[str, FieldValue] = Field(default_factory=dict)
    # Kept by the SLA feature (domain/slas.py), never by a patch.
    slas: list[Sla] = Field(default_factory=list, description="The case's SLAs, each with its clock's inputs and state")
    next_sla_breach_at: datetime | None = Field(default=None, description="The earliest target of its active SLAs")
    # Counts the changes of the SLA state (slas, nextSlaBreachAt), which leave `version` alone:
    # stored and compared by the store, never shown to a client or put in an event.
    sla_revision: SkipJsonSchema[int] = Field(default=0, exclude=True)
    parent_case_id: str | None = Field(default=None, description="The parent case (GET /cases/{parent}/children rolls its children up)")
    # Set by POST /cases/{caseId}/merge only (domain/merges.py).
    merged_into: str | None = Field(default=None, description="This case was merged into that one: read-only, closed; follow it")
    merged_cases: list[str] = Field(default_factory=list, description="Cases merged into this one (each has mergedInto = this case)")


# Fields a client may never set directly: identity, bookkeeping and derived values.
_SYSTEM_FIELDS = {"case_id", "tenant_id", "version", "created_at", "updated_at", "created_by", "updated_by"}


def open_case(command: NewCase, *, case_id: str, reference_number: str, by: Principal, at: datetime) -> CaseChange:
    case = Case(
        case_id=case_id,
        tenant_id=by.tenant_id,
        reference_number=reference_number,
        version=1,
        created_at=at,
        updated_at=at,
        created_by=by.principal_id,
        updated_by=by.principal_id,
        **command.model_dump(),
    )
    changes = [_field_change(name, None, value) for name, value in _comparable(case).items() if value not in (None, [])]
    return CaseChange.record(ChangeType.CASE_CREATED, case=case, changes=changes, by=by, at=at)


def update_case(case: Case, patch: CasePatch, *, by: Principal, at: datetime) -> CaseChange | None:
    """Applies a patch; returns None when it changes nothing (no new version, no audit, no event)."""
    refuse_if_merged(case)
    requested = {name: getattr(patch, name) for name in patch.model_fields_set}
    updated = case.model_copy(update=requested)
    if patch.status is not None and patch.status != case.status:
        updated = _apply_status_change(case, updated, patch.status, at)
    changes = changes_between(case, updated)
    if not changes:
        return None
    updated = updated.model_copy(update={"version": case.version + 1, "updated_at": at, "updated_by": by.principal_id})
    return CaseChange.record(ChangeType.CASE_UPDATED, case=updated, changes=changes, by=by, at=at)


def refuse_if_merged(case: Case) -> None:
    if case.merged_into:
        raise CaseMerged(
            f"case {case.case_id} was merged into case {case.merged_into}: change that case instead",
            details={"mergedInto": case.merged_into},
        )


def changes_between(before_case: Case, after_case: Case) -> list[FieldChange]:
    """Every field that differs, custom fields one by one."""
    before, after = _comparable(before_case), _comparable(after_case)
    return [
        _field_change(name, before.get(name), after.get(name))
        for name in dict.fromkeys([*before, *after])
        if before.get(name) != after.get(name)
    ]


def close_status(before: Case, after: Case, at: datetime) -> Case:
    """`after` moved to closed, as the status machine allows (InvalidTransition when it does not)."""
    return _apply_status_change(before, after.model_copy(update={"status": CaseStatus.CLOSED}), CaseStatus.CLOSED, at)


def _apply_status_change(before: Case, after: Case, target: CaseStatus, at: datetime) -> Case:
    if not can_transition(before.status, target):
        raise InvalidTransition(
            f"a case cannot move from {before.status.value} to {target.value}",
            details={"from": before.status.value, "to": target.value},
        )
    update: dict[str, Any] = {}
    if target is CaseStatus.RESOLVED:
        update["resolved_at"] = at
    if target is CaseStatus.CLOSED:
        update["closed_at"] = at
    if is_reopen(before.status, target):
        update["reopen_count"] = before.reopen_count + 1
        update["resolved_at"] = None
    return after.model_copy(update=update)


def _comparable(case: Case) -> dict[str, Any]:
    # Custom fields are compared one by one, so each change names its field: `fields.<fieldId>`.
    flat = case.model_dump(mode="json", exclude=_SYSTEM_FIELDS | {"fields"})
    return flat | {f"{CUSTOM_FIELDS_PREFIX}{field_id}": value for field_id, value in case.fields.items()}


def _field_change(name: str, old: Any, new: Any) -> FieldChange:
    if name.startswith(CUSTOM_FIELDS_PREFIX):  # a tenant's field id is kept as the tenant wrote it
        return FieldChange(field_id=name, old_value=old, new_value=new)
    return FieldChange.of(name, old, new)
from casetrail.domain.events import _resolve_forward_refs

_resolve_forward_refs()
