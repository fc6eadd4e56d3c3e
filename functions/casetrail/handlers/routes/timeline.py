"""HTTP routes for related items and the timeline. Thin: parse, call the service, shape the response."""

from datetime import datetime
from enum import StrEnum
from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path, Query
from pydantic import Field

from casetrail.domain.model_base import CamelModel, LazyModel
from casetrail.domain.related_items import NewRelatedItem, RelatedItem, RelatedItemPatch, RelatedItemType
from casetrail.handlers.dependencies import related_item_service
from casetrail.handlers.errors import documented
from casetrail.handlers.routes.cases import CaseId, CurrentPrincipal, PageSize, PageToken
from casetrail.handlers.versions import expected_version
from casetrail.store.files import URL_LIFETIME_SECONDS

router = Router()

RelatedItemId = Annotated[str, Path(alias="relatedItemId", min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]
ContactId = Annotated[str, Path(alias="contactId", min_length=1, max_length=128, pattern=r"^[^#\s/]+$")]


class Order(StrEnum):
    ASC = "asc"
    DESC = "desc"


class Upload(CamelModel):
    """POST the file to `url` as multipart/form-data with these `fields` first, then `file`."""

    url: str
    fields: dict[str, str]
    expires_in_seconds: int = URL_LIFETIME_SECONDS


class AddedRelatedItem(RelatedItem):
    upload: Upload | None = Field(default=None, description="File items: where to upload the file's bytes")


class Timeline(LazyModel):
    items: list[RelatedItem]
    next_token: str | None = Field(default=None, serialization_alias="nextToken")


class Download(CamelModel):
    url: str
    expires_in_seconds: int = URL_LIFETIME_SECONDS


class ContactCase(CamelModel):
    case_id: str
    related_item_id: str
    linked_at: datetime


class ContactCases(LazyModel):
    items: list[ContactCase]
    next_token: str | None = Field(default=None, serialization_alias="nextToken")


@router.post(
    "/cases/<caseId>/related-items",
    summary="Add a related item (contact, comment, file, connectCase, custom) to a case's timeline",
    responses=documented(HTTPStatus.NOT_FOUND, HTTPStatus.PRECONDITION_FAILED, success=HTTPStatus.CREATED, body=True),
    tags=["Timeline"],
)
def add_related_item(case_id: CaseId, command: Annotated[NewRelatedItem, Body()], principal: CurrentPrincipal) -> Response[AddedRelatedItem]:
    added = related_item_service().add(principal, case_id, command)
    upload = Upload(url=added.upload.url, fields=added.upload.fields) if added.upload else None
    body = AddedRelatedItem(**added.item.model_dump(), upload=upload)
    return Response(status_code=201, content_type=content_types.APPLICATION_JSON, body=body)


@router.get(
    "/cases/<caseId>/timeline",
    summary="A case's related items in time order (newest first unless order=asc), optionally of one type",
    responses=documented(HTTPStatus.BAD_REQUEST, HTTPStatus.NOT_FOUND),
    tags=["Timeline"],
)
def timeline(
    case_id: CaseId,
    principal: CurrentPrincipal,
    item_type: Annotated[RelatedItemType | None, Query(alias="type")] = None,
    order: Annotated[Order, Query()] = Order.DESC,
    limit: PageSize = 25,
    next_token: PageToken = None,
) -> Timeline:
    page = related_item_service().timeline(
        principal,
        case_id,
        item_type=item_type.value if item_type else None,
        newest_first=order is Order.DESC,
        limit=limit,
        next_token=next_token,
    )
    return Timeline(items=page.items, next_token=page.next_token)


@router.get(
    "/cases/<caseId>/related-items/<relatedItemId>",
    summary="Read one related item",
    responses=documented(HTTPStatus.NOT_FOUND),
    tags=["Timeline"],
)
def get_related_item(case_id: CaseId, related_item_id: RelatedItemId, principal: CurrentPrincipal) -> Response[RelatedItem]:
    return versioned_item(related_item_service().get(principal, case_id, related_item_id))


@router.patch(
    "/cases/<caseId>/related-items/<relatedItemId>",
    summary="Edit a comment (its author only), a custom item's values or a contact's summary (audited)",
    description="If-Match (optional) carries the item's revision, its ETag: a stale one is 412 VERSION_CONFLICT.",
    responses=documented(HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND, HTTPStatus.CONFLICT, HTTPStatus.PRECONDITION_FAILED, body=True, etag=True),
    tags=["Timeline"],
)
def edit_related_item(
    case_id: CaseId,
    related_item_id: RelatedItemId,
    patch: Annotated[RelatedItemPatch, Body()],
    principal: CurrentPrincipal,
    if_match: Annotated[str | None, Header(alias="if-match", description="The item revision you read (its ETag)")] = None,
) -> Response[RelatedItem]:
    revision = expected_version(if_match, "related item") if if_match is not None else None
    return versioned_item(related_item_service().edit(principal, case_id, related_item_id, patch, revision))


def versioned_item(item: RelatedItem) -> Response[RelatedItem]:
    return Response(status_code=200, content_type=content_types.APPLICATION_JSON, body=item, headers={"ETag": f'"{item.revision}"'})


@router.delete(
    "/cases/<caseId>/related-items/<relatedItemId>",
    summary="Delete a related item: an author their own comment; a supervisor or admin any item (moderation, with a reason)",
    description="Audited (RELATED_ITEM.DELETED, whose item carries no content any more, and the reason). A file's "
    "bytes are removed from S3, a contact's link to the case too.",
    responses=documented(
        HTTPStatus.BAD_REQUEST, HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND, HTTPStatus.CONFLICT, HTTPStatus.PRECONDITION_FAILED, success=HTTPStatus.NO_CONTENT
    ),
    tags=["Timeline"],
)
def delete_related_item(
    case_id: CaseId,
    related_item_id: RelatedItemId,
    principal: CurrentPrincipal,
    reason: Annotated[
        str | None, Query(min_length=1, max_length=200, description="Required when deleting someone else's item (never personal data)")
    ] = None,
) -> Response[None]:
    related_item_service().delete(principal, case_id, related_item_id, reason)
    return Response(status_code=204)


@router.get(
    "/cases/<caseId>/related-items/<relatedItemId>/download",
    summary="A presigned URL to download a file item",
    responses=documented(HTTPStatus.NOT_FOUND, HTTPStatus.CONFLICT),
    tags=["Timeline"],
)
def download_file(case_id: CaseId, related_item_id: RelatedItemId, principal: CurrentPrincipal) -> Download:
    return Download(url=related_item_service().download_url(principal, case_id, related_item_id))


@router.get(
    "/contacts/<contactId>/cases",
    summary="The cases a contact is linked to, by contact related items",
    responses=documented(HTTPStatus.BAD_REQUEST, HTTPStatus.NOT_FOUND),
    tags=["Timeline"],
)
def contact_cases(contact_id: ContactId, principal: CurrentPrincipal, limit: PageSize = 25, next_token: PageToken = None) -> ContactCases:
    page = related_item_service().contact_cases(principal, contact_id, limit=limit, next_token=next_token)
    items = [ContactCase(case_id=link.case_id, related_item_id=link.related_item_id, linked_at=link.linked_at) for link in page.items]
    return ContactCases(items=items, next_token=page.next_token)
