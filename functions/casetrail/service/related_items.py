"""Related-item use cases: add to a case's timeline, read it, edit or delete a comment, files."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from casetrail.domain import related_items as domain
from casetrail.domain.cases import Case, refuse_if_merged
from casetrail.domain.errors import CaseNotFound, Conflict, FileNotAccepted, UnknownReference
from casetrail.domain.events import CaseChange
from casetrail.domain.identity import Principal
from casetrail.domain.related_items import RelatedItem, RelatedItemPatch, RelatedItemType
from casetrail.service.cases import Clock, page_size, utc_now
from casetrail.service.write_conflicts import LOST_RACE, WRITE_ATTEMPTS, kept_changing, pause_before_retry
from casetrail.store import keys
from casetrail.store.cases import CaseRepository
from casetrail.store.files import FileStore, PresignedUpload
from casetrail.store.timeline import ContactLinkPage, TimelinePage, TimelineRepository


@dataclass(frozen=True)
class FileLimits:
    max_bytes: int
    content_types: frozenset[str]


@dataclass(frozen=True)
class AddedItem:
    item: RelatedItem
    upload: PresignedUpload | None = None


def refused_if_merged(case: Case) -> Case:
    # A note or contact added to a merged duplicate would be lost from sight: it goes on the survivor.
    refuse_if_merged(case)
    return case


class RelatedItemService:
    def __init__(self, cases: CaseRepository, timeline: TimelineRepository, files: Callable[[], FileStore], limits: FileLimits, clock: Clock = utc_now):
        self._cases = cases
        self._timeline = timeline
        self._files = files  # created on first use: only file items need S3
        self._limits = limits
        self._clock = clock

    def add(self, principal: Principal, case_id: str, command: Any) -> AddedItem:
        self._check(principal, case_id, command)
        related_item_id = str(uuid.uuid4())
        change = self._with_retries(
            principal,
            case_id,
            lambda case: domain.add_related_item(refused_if_merged(case), command, related_item_id=related_item_id, by=principal, at=self._clock()),
            lambda change: self._timeline.put_operations(change.related_item),
        )
        item = change.related_item
        upload = None
        if item.type is RelatedItemType.FILE:
            upload = self._files().upload(
                keys.file_object_key(item.tenant_id, item.case_id, item.related_item_id),
                content_type=item.content["contentType"],
                size=item.content["size"],
            )
        return AddedItem(item=item, upload=upload)

    def timeline(self, principal: Principal, case_id: str, *, item_type: str | None, newest_first: bool, limit: int, next_token: str | None) -> TimelinePage:
        page = self._timeline.page(principal.tenant_id, case_id, item_type=item_type, newest_first=newest_first, limit=page_size(limit), next_token=next_token)
        if not page.items and next_token is None:
            self._cases.get(principal.tenant_id, case_id)  # an unknown case is a 404, not an empty timeline
        return page

    def get(self, principal: Principal, case_id: str, related_item_id: str) -> RelatedItem:
        return self._timeline.get(principal.tenant_id, case_id, related_item_id)

    def edit(self, principal: Principal, case_id: str, related_item_id: str, patch: RelatedItemPatch, expected_revision: int | None = None) -> RelatedItem:
        """Edits a comment, a custom item or a contact's summary. The item is read after the case
        on every attempt: an edit committed in between moved the case's version, so this attempt's
        write fails and the next one sees that edit (no lost update)."""
        read: dict[str, RelatedItem] = {}

        def compute(case: Case) -> CaseChange | None:
            read["item"] = self._timeline.get(principal.tenant_id, case_id, related_item_id)
            return domain.edit_related_item(case, read["item"], patch, by=principal, at=self._clock(), expected_revision=expected_revision)

        change = self._with_retries(principal, case_id, compute, lambda change: self._timeline.replace_operations(change.related_item))
        return change.related_item if change else read["item"]

    def delete(self, principal: Principal, case_id: str, related_item_id: str, reason: str | None = None) -> None:
        """An author's own comment, or any item by a supervisor (moderation, with a reason). A file's
        bytes go first (every version): a failed write then leaves an item whose download fails,
        never bytes nobody can find any more."""
        item = self._timeline.get(principal.tenant_id, case_id, related_item_id)
        files_removed: list[bool] = []

        def compute(case: Case) -> CaseChange:
            change = domain.remove_related_item(case, item, by=principal, at=self._clock(), reason=reason)
            if item.type is RelatedItemType.FILE and not files_removed:
                self._files().remove([keys.file_object_key(item.tenant_id, item.case_id, item.related_item_id)])
                files_removed.append(True)
            return change

        self._with_retries(principal, case_id, compute, lambda change: self._timeline.delete_operations(item))

    def download_url(self, principal: Principal, case_id: str, related_item_id: str) -> str:
        item = self._timeline.get(principal.tenant_id, case_id, related_item_id)
        if item.type is not RelatedItemType.FILE:
            raise Conflict(f"related item {related_item_id} is a {item.type.value}, not a file")
        key = keys.file_object_key(item.tenant_id, item.case_id, item.related_item_id)
        return self._files().download(key, file_name=item.content["fileName"])

    def contact_cases(self, principal: Principal, contact_id: str, *, limit: int, next_token: str | None) -> ContactLinkPage:
        return self._timeline.contact_links(principal.tenant_id, contact_id, limit=page_size(limit), next_token=next_token)

    def _check(self, principal: Principal, case_id: str, command: Any) -> None:
        if command.type is RelatedItemType.FILE:
            content = command.content
            if content.content_type not in self._limits.content_types:
                raise FileNotAccepted(
                    f"files of type {content.content_type} are not accepted",
                    details={"accepted": sorted(self._limits.content_types)},
                )
            if content.size > self._limits.max_bytes:
                raise FileNotAccepted(
                    f"files may be at most {self._limits.max_bytes} bytes", details={"maxBytes": self._limits.max_bytes}
                )
        if command.type is RelatedItemType.CONNECT_CASE:
            target = command.content.case_id
            if target == case_id:
                raise UnknownReference("a case cannot be linked to itself", details={"caseId": target})
            try:
                self._cases.get(principal.tenant_id, target)
            except CaseNotFound as error:
                raise UnknownReference(f"case {target} does not exist", details={"caseId": target}) from error

    def _with_retries(self, principal: Principal, case_id: str, compute: Callable[[Case], CaseChange | None], operations: Callable[[CaseChange], list[dict]]) -> CaseChange | None:
        """Adding to a timeline carries no If-Match: it must not fail because someone changed the
        case at the same moment, so it is recomputed on the fresh case (write_conflicts)."""
        for attempt in range(WRITE_ATTEMPTS):
            case = self._cases.get(principal.tenant_id, case_id)
            change = compute(case)
            if change is None:
                return None
            try:
                self._cases.save(change, also=operations(change))
                return change
            except LOST_RACE:
                pause_before_retry(attempt)
        raise kept_changing(case_id)
