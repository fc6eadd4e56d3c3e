"""HTTP routes for a case's watchers. Thin: parse, call the service, shape the response."""

from http import HTTPStatus

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from casetrail.domain.model_base import LazyModel
from casetrail.handlers.dependencies import watcher_service
from casetrail.handlers.errors import documented
from casetrail.handlers.routes.cases import CaseId, CurrentPrincipal
from casetrail.store.watchers import Watcher

router = Router()


class Watchers(LazyModel):
    items: list[Watcher]


@router.put(
    "/cases/<caseId>/watchers/me",
    summary="Watch a case (any user; watching again changes nothing)",
    responses=documented(HTTPStatus.NOT_FOUND, HTTPStatus.CONFLICT),
    tags=["Cases"],
)
def watch_case(case_id: CaseId, principal: CurrentPrincipal) -> Watchers:
    return Watchers(items=watcher_service().watch(principal, case_id))


@router.delete(
    "/cases/<caseId>/watchers/me",
    summary="Stop watching a case",
    responses=documented(HTTPStatus.NOT_FOUND, success=HTTPStatus.NO_CONTENT),
    tags=["Cases"],
)
def unwatch_case(case_id: CaseId, principal: CurrentPrincipal) -> Response[None]:
    watcher_service().unwatch(principal, case_id)
    return Response(status_code=204)


@router.get("/cases/<caseId>/watchers", summary="Who watches a case", responses=documented(HTTPStatus.NOT_FOUND), tags=["Cases"])
def case_watchers(case_id: CaseId, principal: CurrentPrincipal) -> Watchers:
    return Watchers(items=watcher_service().watchers(principal, case_id))
