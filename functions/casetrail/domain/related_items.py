"""Related items: everything that happens around a case, on its timeline in time order.

The first six types keep the meaning Amazon Connect Cases gives them. `task` items are written
by the tasks feature only; `sla` is reserved for the SLA feature: neither can be posted here.
Every addition, edit or removal is a change of the case (new version, audit record, event).
"""

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, StrictBool, StringConstraints

from casetrail.domain.errors import Conflict, Forbidden, InvalidRequest, VersionConflict
from casetrail.domain.events import CaseChange, ChangeType, FieldChange, PerformedBy
from casetrail.domain.identity import SUPERVISING_ROLES, Principal
from casetrail.domain.instants import Instant
from casetrail.domain.model_base import CamelModel, CommandModel, Identifier, bounded_text

if TYPE_CHECKING:
    from casetrail.domain.cases import Case  # a related item's change carries its case (circular)

# Caps keep a timeline item well under DynamoDB's 400 KB item limit (4 bytes per char at worst).
MAX_TRANSCRIPT_CHARS = 50_000
MAX_SUMMARY_CHARS = 4_000
MAX_COMMENT_CHARS = 15_000  # Amazon Connect Cases' limit for a comment


class RelatedItemType(StrEnum):
    CONTACT = "contact"
    COMMENT = "comment"
    FILE = "file"
    SLA = "sla"
    CONNECT_CASE = "connectCase"
    CUSTOM = "custom"
    TASK = "task"


class Channel(StrEnum):
    VOICE = "VOICE"
    CHAT = "CHAT"
    EMAIL = "EMAIL"
    TASK = "TASK"


class Direction(StrEnum):
    INBOUND = "INBOUND"
    OUTBOUND = "OUTBOUND"
    TRANSFER = "TRANSFER"
    CALLBACK = "CALLBACK"


class LinkKind(StrEnum):
    RELATED = "related"
    DUPLICATE = "duplicate"
    PARENT = "parent"
    CHILD = "child"


class ContactContent(CommandModel):
    contact_id: Identifier
    channel: Channel
    direction: Direction
    initiated_at: Instant
    summary: bounded_text(MAX_SUMMARY_CHARS) | None = None
    transcript: bounded_text(MAX_TRANSCRIPT_CHARS) | None = None
    agent: Identifier | None = None
    queue: Identifier | None = None


class CommentContent(CommandModel):
    body: bounded_text(MAX_COMMENT_CHARS)
    internal: StrictBool = True  # agents' notes stay internal unless said otherwise


class FileContent(CommandModel):
    file_name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255, pattern=r"^[^/\\\x00-\x1f]+$")]
    content_type: Annotated[str, StringConstraints(max_length=100, pattern=r"^[\w.+-]+/[\w.+-]+$")]
    size: int = Field(ge=1, description="Bytes; the upload must be exactly this size")
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] | None = None


class ConnectCaseContent(CommandModel):
    case_id: Identifier
    kind: LinkKind = LinkKind.RELATED


CustomKey = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$")]
CustomValue = bool | int | float | bounded_text(1_000, min_length=0) | None


class CustomContent(CommandModel):
    """An integrator's key/values: flat, scalar, bounded (the declared shape of a custom item)."""

    values: dict[CustomKey, CustomValue] = Field(min_length=1, max_length=50)


class NewContact(CommandModel):
    type: Literal[RelatedItemType.CONTACT]
    content: ContactContent


class NewComment(CommandModel):
    type: Literal[RelatedItemType.COMMENT]
    content: CommentContent


class NewFile(CommandModel):
    type: Literal[RelatedItemType.FILE]
    content: FileContent


class NewCaseLink(CommandModel):
    type: Literal[RelatedItemType.CONNECT_CASE]
    content: ConnectCaseContent


class NewCustom(CommandModel):
    type: Literal[RelatedItemType.CUSTOM]
    content: CustomContent


# Body of POST /cases/{caseId}/related-items: `type` picks the shape of `content` (sla and task
# are not among them, so posting one is a 422 naming the type).
NewRelatedItem = Annotated[NewContact | NewComment | NewFile | NewCaseLink | NewCustom, Field(discriminator="type")]


class RelatedItemPatch(CommandModel):
    """Body of PATCH /cases/{caseId}/related-items/{id}: each type takes its own keys (else 409).
    A comment (its author only): `body`, `internal`. A custom item: `values`, merged into its
    values (null removes a key). A contact: `summary` (null clears it)."""

    body: bounded_text(MAX_COMMENT_CHARS) | None = None
    internal: StrictBool | None = None
    values: Annotated[dict[CustomKey, CustomValue], Field(min_length=1, max_length=50)] | None = None
    summary: bounded_text(MAX_SUMMARY_CHARS) | None = None


# What a PATCH may change, per type; every other type (a file, a link, a task) is immutable here.
_EDITABLE = {
    RelatedItemType.COMMENT: {"body", "internal"},
    RelatedItemType.CUSTOM: {"values"},
    RelatedItemType.CONTACT: {"summary"},
}


class RelatedItem(CamelModel):
    """A related item as stored, returned and carried in events. `content` has the type's shape."""

    related_item_id: str
    case_id: str
    tenant_id: str
    type: RelatedItemType
    content: dict[str, Any]
    created_at: datetime
    created_by: PerformedBy
    updated_at: datetime | None = None
    revision: int = Field(default=1, ge=1, description="Counts the item's edits; its ETag, sent back in If-Match")


def add_related_item(case: "Case", command: Any, *, related_item_id: str, by: Principal, at: datetime) -> CaseChange:
    item = RelatedItem(
        related_item_id=related_item_id,
        case_id=case.case_id,
        tenant_id=case.tenant_id,
        type=command.type,
        content=command.content.model_dump(mode="json", by_alias=True, exclude_none=True),
        created_at=at,
        created_by=PerformedBy.of(by),
    )
    return _case_change(case, ChangeType.RELATED_ITEM_CREATED, item, [], by=by, at=at)


def edit_related_item(
    case: "Case", item: RelatedItem, patch: RelatedItemPatch, *, by: Principal, at: datetime, expected_revision: int | None = None
) -> CaseChange | None:
    """A comment's, custom item's or contact summary's edit, audited old → new per content key;
    None when it changes nothing. `expected_revision` (If-Match) guards against lost updates."""
    requested = patch.model_dump(exclude_unset=True, by_alias=True)
    editable = _EDITABLE.get(item.type)
    if editable is None:
        raise Conflict(f"a {item.type.value} item cannot be changed", details={"type": item.type.value, "editable": sorted(t.value for t in _EDITABLE)})
    extra = sorted(set(requested) - editable)
    if extra:
        raise Conflict(f"a {item.type.value} item takes only {sorted(editable)}, not {extra}", details={"type": item.type.value})
    if item.type is RelatedItemType.COMMENT:
        _check_author(item, by)
        requested = {name: value for name, value in requested.items() if value is not None}
    if expected_revision is not None and expected_revision != item.revision:
        raise VersionConflict(
            f"related item {item.related_item_id} is at revision {item.revision}, not {expected_revision}",
            details={"currentVersion": item.revision},
        )
    content = {**item.content}
    changes = []
    for name, value in requested.items():
        if name == "values":
            merged = {**content.get("values", {})}
            for key, new in value.items():
                if merged.get(key) != new and not (new is None and key not in merged):
                    changes.append(FieldChange(field_id=f"content.values.{key}", old_value=merged.get(key), new_value=new))
                if new is None:
                    merged.pop(key, None)
                else:
                    merged[key] = new
            if not merged:
                raise Conflict("a custom item keeps at least one value")
            content["values"] = merged
        elif content.get(name) != value:
            changes.append(FieldChange(field_id=f"content.{name}", old_value=content.get(name), new_value=value))
            if value is None:
                content.pop(name, None)
            else:
                content[name] = value
    if not changes:
        return None
    edited = item.model_copy(update={"content": content, "updated_at": at, "revision": item.revision + 1})
    return _case_change(case, ChangeType.RELATED_ITEM_UPDATED, edited, changes, by=by, at=at)


def remove_related_item(case: "Case", item: RelatedItem, *, by: Principal, at: datetime, reason: str | None = None) -> CaseChange:
    """An author deletes their own comment; a supervisor or admin deletes any item (moderation),
    saying why. The event and audit carry the item's id and type and the reason, not its content:
    it was deleted so that it would be gone."""
    own_comment = item.type is RelatedItemType.COMMENT and item.created_by.principal_id == by.principal_id
    if not own_comment:
        if by.role not in SUPERVISING_ROLES:
            _check_own_comment(item, by)
        if not reason:
            raise InvalidRequest("deleting someone else's item (moderation) needs a reason", details={"field": "reason"})
    changes = [FieldChange(field_id="reason", old_value=None, new_value=reason)] if reason else []
    removed = item.model_copy(update={"content": {}})
    return _case_change(case, ChangeType.RELATED_ITEM_DELETED, removed, changes, by=by, at=at)


def _check_own_comment(item: RelatedItem, by: Principal) -> None:
    if item.type is not RelatedItemType.COMMENT:
        raise Conflict(f"a {item.type.value} item cannot be deleted: only comments can", details={"type": item.type.value})
    _check_author(item, by)


def _check_author(item: RelatedItem, by: Principal) -> None:
    if item.created_by.principal_id != by.principal_id:
        raise Forbidden("only the author of a comment may change or delete it")


def _case_change(case: "Case", event_type: ChangeType, item: RelatedItem, changes: list[FieldChange], *, by: Principal, at: datetime) -> CaseChange:
    # The case gets a new version: concurrent changes to a case and its timeline are serialised
    # by the one conditional write on the case item, and readers of updatedAt see the activity.
    updated = case.model_copy(update={"version": case.version + 1, "updated_at": at, "updated_by": by.principal_id})
    change = CaseChange.record(event_type, case=updated, changes=changes, by=by, at=at)
    return change.model_copy(update={"related_item": item})
