"""HTTP routes for rules (supervisors and admins write; every role may read and test)."""

from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from pydantic import Field

from casetrail.domain.events import ChangeType
from casetrail.domain.model_base import CamelModel, LazyModel
from casetrail.domain.rules import NewRule, Outcome, Rule, RulePatch
from casetrail.handlers.dependencies import CurrentPrincipal, rule_service
from casetrail.handlers.errors import documented

router = Router()

RuleId = Annotated[str, Path(alias="ruleId", min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]


class RuleList(LazyModel):
    items: list[Rule]


class SampleEvent(CamelModel):
    """A case event as the bus carries its `detail` (e.g. an entry of a case's audit, with the case)."""

    event_type: ChangeType
    case: dict[str, Any] = Field(default_factory=dict, description="The case as the rule should see it")
    related_item: dict[str, Any] | None = Field(default=None, description="RELATED_ITEM.CREATED: the new item")
    changes: list[dict[str, Any]] = Field(default_factory=list, description="CASE.UPDATED: fieldId, oldValue, newValue")
    performed_by: dict[str, Any] = Field(default_factory=dict)


@router.post(
    "/rules",
    summary="Create a rule",
    responses=documented(HTTPStatus.BAD_REQUEST, HTTPStatus.FORBIDDEN, success=HTTPStatus.CREATED, body=True),
    tags=["Rules"],
)
def create_rule(command: Annotated[NewRule, Body()], principal: CurrentPrincipal) -> Response[Rule]:
    rule = rule_service().create(principal, command)
    return Response(status_code=HTTPStatus.CREATED.value, content_type=content_types.APPLICATION_JSON, body=rule)


@router.get("/rules", summary="The tenant's rules", responses=documented(), tags=["Rules"])
def list_rules(principal: CurrentPrincipal) -> RuleList:
    return RuleList(items=rule_service().list_rules(principal))


@router.get("/rules/<ruleId>", summary="Read a rule", responses=documented(HTTPStatus.NOT_FOUND), tags=["Rules"])
def get_rule(rule_id: RuleId, principal: CurrentPrincipal) -> Rule:
    return rule_service().get(principal, rule_id)


@router.patch(
    "/rules/<ruleId>",
    summary="Change a rule (only the fields given)",
    responses=documented(HTTPStatus.BAD_REQUEST, HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND, HTTPStatus.PRECONDITION_FAILED, body=True),
    tags=["Rules"],
)
def update_rule(rule_id: RuleId, patch: Annotated[RulePatch, Body()], principal: CurrentPrincipal) -> Rule:
    return rule_service().update(principal, rule_id, patch)


@router.delete(
    "/rules/<ruleId>",
    summary="Delete a rule",
    responses=documented(HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND, success=HTTPStatus.NO_CONTENT),
    tags=["Rules"],
)
def delete_rule(rule_id: RuleId, principal: CurrentPrincipal) -> Response[None]:
    rule_service().delete(principal, rule_id)
    return Response(status_code=HTTPStatus.NO_CONTENT.value)


@router.post(
    "/rules/<ruleId>/test",
    summary="What the rule would do with a sample event (changes nothing)",
    responses=documented(HTTPStatus.BAD_REQUEST, HTTPStatus.NOT_FOUND, body=True),
    tags=["Rules"],
)
def test_rule(rule_id: RuleId, sample: Annotated[SampleEvent, Body()], principal: CurrentPrincipal) -> Outcome:
    return rule_service().test(principal, rule_id, sample.model_dump(by_alias=True, mode="json"))
