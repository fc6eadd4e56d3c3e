"""HTTP routes for billing usage: a month's bill, its line items (JSON or CSV) and reconciliation.

Supervisors and admins only (the service refuses other roles with 403 FORBIDDEN).
"""

import csv
import io
from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from pydantic import Field

from casetrail.domain.model_base import LazyModel
from casetrail.domain.billing import Reconciliation, UsageRecord, UsageSummary
from casetrail.handlers.dependencies import CurrentPrincipal, billing_service
from casetrail.handlers.errors import documented
from casetrail.service.billing import MAX_RECORDS_PAGE

router = Router()

_MONTH = {"pattern": r"^\d{4}-(0[1-9]|1[0-2])$", "description": "A UTC calendar month, YYYY-MM", "examples": ["2026-11"]}
MonthPath = Annotated[str, Path(**_MONTH)]
PageToken = Annotated[str | None, Query(alias="nextToken", max_length=2048, description="From the previous page")]
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
CSV_COLUMNS = ("kind", "caseId", "taskId", "referenceNumber", "createdAt", "eventId")
NEXT_TOKEN_HEADER = "X-Next-Token"
_ERRORS = documented(HTTPStatus.BAD_REQUEST, HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND)


class UsageRecordList(LazyModel):
    items: list[UsageRecord]
    next_token: str | None = Field(default=None, serialization_alias="nextToken")


@router.get("/usage", summary="A month's metered usage and what it costs", responses=documented(HTTPStatus.BAD_REQUEST, HTTPStatus.FORBIDDEN), tags=["Billing"])
def usage(month: Annotated[str, Query(**_MONTH)], principal: CurrentPrincipal) -> UsageSummary:
    return billing_service().summary(principal, month)


@router.get(
    "/usage/<month>/records",
    summary="The metered cases (and tasks) of a month, in creation order: the bill line by line",
    responses=_ERRORS,
    tags=["Billing"],
)
def usage_records(
    month: MonthPath,
    principal: CurrentPrincipal,
    limit: Annotated[int, Query(ge=1, le=MAX_RECORDS_PAGE)] = 100,
    next_token: PageToken = None,
) -> UsageRecordList:
    page = billing_service().records(principal, month, limit=limit, next_token=next_token)
    return UsageRecordList(items=page.items, next_token=page.next_token)


@router.get(
    "/usage/<month>/records.csv",
    summary="The same records as CSV for finance, up to 1000 rows per response",
    description=(
        "Pages like the JSON listing: when more rows follow, the X-Next-Token header carries the token "
        "for the next request. Only the first page has the header row, so pages concatenate into one file."
    ),
    responses={
        **_ERRORS,
        200: {
            "description": "CSV rows",
            "content": {"text/csv": {"schema": {"type": "string"}}},
            "headers": {NEXT_TOKEN_HEADER: {"description": "The next page's token, when more rows follow", "schema": {"type": "string"}}},
        },
    },
    tags=["Billing"],
)
def usage_records_csv(
    month: MonthPath,
    principal: CurrentPrincipal,
    limit: Annotated[int, Query(ge=1, le=MAX_RECORDS_PAGE)] = MAX_RECORDS_PAGE,
    next_token: PageToken = None,
) -> Response[str]:
    page = billing_service().records(principal, month, limit=limit, next_token=next_token)
    headers = {"Content-Disposition": f'attachment; filename="usage-{month}.csv"'}
    if page.next_token:
        headers[NEXT_TOKEN_HEADER] = page.next_token
    return Response(
        status_code=200,
        content_type=CSV_CONTENT_TYPE,
        body=_csv(page.items, with_header=next_token is None),
        headers=headers,
    )


@router.get(
    "/usage/<month>/reconciliation",
    summary="Proves a month's metered cases are exactly the cases created in that month",
    responses=_ERRORS,
    tags=["Billing"],
)
def usage_reconciliation(month: MonthPath, principal: CurrentPrincipal) -> Reconciliation:
    return billing_service().reconciliation(principal, month)


def _csv(records: list[UsageRecord], *, with_header: bool) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180
    if with_header:
        writer.writerow(CSV_COLUMNS)
    for record in records:
        wire = record.to_wire()
        writer.writerow([_cell(wire.get(column)) for column in CSV_COLUMNS])
    return out.getvalue()


def _cell(value) -> str:
    text = "" if value is None else str(value)
    # A cell starting like a formula would run in a spreadsheet (CSV injection): quote it as text.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text
