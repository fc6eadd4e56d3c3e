"""HTTP route for the key metrics: supervisors and admins only (others get 403 FORBIDDEN)."""

from datetime import date
from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from casetrail.domain.metrics import MAX_RANGE_DAYS, GroupBy, MetricsReport
from casetrail.handlers.dependencies import CurrentPrincipal, metrics_service
from casetrail.handlers.errors import documented

router = Router()



@router.get(
    "/metrics",
    summary="Key metrics of a range of UTC days, in total and per day, template, queue or category",
    description=f"The range spans at most {MAX_RANGE_DAYS} days. Figures come from aggregates kept by the Metrics consumer.",
    responses=documented(HTTPStatus.BAD_REQUEST, HTTPStatus.FORBIDDEN),
    tags=["Metrics"],
)
def get_metrics(
    principal: CurrentPrincipal,
    start: Annotated[date, Query(alias="from", description="First UTC day, YYYY-MM-DD", examples=["2026-11-01"])],
    end: Annotated[date, Query(alias="to", description="Last UTC day (inclusive)", examples=["2026-11-30"])],
    group_by: Annotated[GroupBy, Query(alias="groupBy")] = GroupBy.DAY,
) -> MetricsReport:
    return metrics_service().report(principal, start, end, group_by)
