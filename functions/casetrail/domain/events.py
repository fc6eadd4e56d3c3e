"""The audit record of a change, which is also the event published for it.

Shaped so a consumer of Amazon Connect Cases' case event stream feels at home (`eventType`,
`approximateChangeTime`, `changedFieldIds`, `performedBy`, `case`), plus what Connect does not
give: the tenant, the case version, each field's old and new value, and a stable `eventId` (the
audit record's id) so consumers of an at-least-once stream can deduplicate.
"""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field
from pydantic.alias_generators import to_camel

from casetrail.domain.identity import Principal, PrincipalKind
from casetrail.domain.model_base import CamelModel

if TYPE_CHECKING:
    from casetrail.domain.cases import Case
    from casetrail.domain.related_items import RelatedItem


class ChangeType(StrEnum):
    CASE_CREATED = "CASE.CREATED"
    CASE_UPDATED = "CASE.UPDATED"
    # CASE.DELETED and CUSTOMER.ERASED are not case changes (no case is left to carry): domain/erasure.py.
    # On the surviving case of a merge (its mergedCases grew); the duplicate's own closure is a
    # CASE.UPDATED (status closed, mergedInto set), so every consumer of status changes sees it.
    CASE_MERGED = "CASE.MERGED"
    RELATED_ITEM_CREATED = "RELATED_ITEM.CREATED"
    RELATED_ITEM_UPDATED = "RELATED_ITEM.UPDATED"
    RELATED_ITEM_DELETED = "RELATED_ITEM.DELETED"
    TASK_CREATED = "TASK.CREATED"
    TASK_UPDATED = "TASK.UPDATED"
    TASK_ASSIGNED = "TASK.ASSIGNED"
    TASK_COMPLETED = "TASK.COMPLETED"
    TASK_CANCELLED = "TASK.CANCELLED"
    TASK_OVERDUE = "TASK.OVERDUE"
    SLA_ASSIGNED = "SLA.ASSIGNED"
    SLA_UPDATED = "SLA.UPDATED"  # its target moved (the case paused or resumed it)
    SLA_BREACHED = "SLA.BREACHED"
    SLA_MET = "SLA.MET"
    SLA_NOT_MET = "SLA.NOT_MET"


# Casetrail's own bookkeeping of a case's SLAs: these change its SLA state (a revision of its own),
# never the version a client holds, so a create or update is not invalidated by the SLA clock.
SLA_CHANGE_TYPES = frozenset(
    {ChangeType.SLA_ASSIGNED, ChangeType.SLA_UPDATED, ChangeType.SLA_BREACHED, ChangeType.SLA_MET, ChangeType.SLA_NOT_MET}
)


class PerformedBy(CamelModel):
    principal_id: str = Field(description="For a user, their userId (GET /users); else the API key's or system's principal")
    name: str
    role: str
    # Records written before people could sign in carry no kind: they were all API keys or Casetrail itself.
    kind: PrincipalKind = Field(default=PrincipalKind.API_KEY, description="user, apiKey or system")

    @classmethod
    def of(cls, principal: Principal) -> "PerformedBy":
        return cls(principal_id=principal.principal_id, name=principal.name, role=principal.role.value, kind=principal.kind)


class FieldChange(CamelModel):
    field_id: str
    old_value: Any = None
    new_value: Any = None

    @classmethod
    def of(cls, field_name: str, old_value: Any, new_value: Any) -> "FieldChange":
        return cls(field_id=to_camel(field_name), old_value=old_value, new_value=new_value)


class CaseChange(CamelModel):
    """One change to a case: its audit record and the `detail` of its EventBridge event."""

    version: Literal["0"] = "0"
    event_id: str
    event_type: ChangeType
    approximate_change_time: datetime
    tenant_id: str
    case_id: str
    case_version: int
    changed_field_ids: list[str]
    changes: list[FieldChange]
    performed_by: PerformedBy
    case: "Case" = Field(description="The case's fields after the change")
    related_item: "RelatedItem | None" = Field(
        default=None, description="RELATED_ITEM.* events: the item as created, edited or deleted"
    )

    @classmethod
    def record(cls, event_type: ChangeType, *, case: "Case", changes: list[FieldChange], by: Principal, at: datetime):
        return cls(
            event_id=str(uuid.uuid4()),
            event_type=event_type,
            approximate_change_time=at,
            tenant_id=case.tenant_id,
            case_id=case.case_id,
            case_version=case.version,
            changed_field_ids=[c.field_id for c in changes],
            changes=changes,
            performed_by=PerformedBy.of(by),
            case=case,
        )


class ClaimCheck(CamelModel):
    """Where the full detail of an event too large for the bus is kept (the claim-check pattern).

    Such an event carries a trimmed detail (its ids, `eventType`, `changedFieldIds`,
    `performedBy`) and this reference; consumers read the full detail from S3 and check it."""

    bucket: str
    key: str
    bytes: int = Field(description="Size of the stored detail (UTF-8 JSON)")
    sha256: str = Field(description="Hex SHA-256 of the stored detail")


# What a trimmed detail keeps besides its top-level scalars (ids, type, time, versions).
CLAIM_CHECK_KEPT_FIELDS = ("changedFieldIds", "performedBy")


def trimmed_detail(detail: dict[str, Any], claim_check: ClaimCheck) -> dict[str, Any]:
    """The detail an event carries when its full detail is claim-checked: small whatever the change."""
    kept = {name: value for name, value in detail.items() if not isinstance(value, dict | list) or name in CLAIM_CHECK_KEPT_FIELDS}
    return {**kept, "claimCheck": claim_check.to_wire()}


class AuditEntry(CamelModel):
    """What GET /cases/{caseId}/audit returns for one change (the event without the snapshot)."""

    event_id: str
    at: datetime
    action: ChangeType
    version: int
    performed_by: PerformedBy
    changes: list[FieldChange]
    related_item_id: str | None = None
    task_id: str | None = Field(default=None, description="For TASK.* changes: the task that changed")

    @classmethod
    def of_detail(cls, detail: dict) -> "AuditEntry":
        """From a stored event detail of any kind that changes a case (CASE.*, TASK.* ...)."""
        return cls(
            event_id=detail["eventId"],
            at=detail["approximateChangeTime"],
            action=detail["eventType"],
            version=detail["caseVersion"],
            performed_by=detail["performedBy"],
            changes=detail["changes"],
            task_id=detail.get("taskId"),
            related_item_id=(detail.get("relatedItem") or {}).get("relatedItemId"),
        )


def _resolve_forward_refs() -> None:
    from casetrail.domain.cases import Case  # noqa: F401  (circular: a change carries a case)
    from casetrail.domain.related_items import RelatedItem

    CaseChange.model_rebuild(_types_namespace={"Case": Case, "RelatedItem": RelatedItem})
