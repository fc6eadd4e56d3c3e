"""HTTP routes for custom fields and case templates (supervisors and admins write, everyone reads)."""

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Path

from casetrail.domain.model_base import LazyModel
from casetrail.domain.templates import (
    CaseSample,
    FieldDefinition,
    FieldDefinitionPatch,
    NewFieldDefinition,
    NewTemplate,
    Template,
    TemplatePatch,
    TemplateTestResult,
)
from casetrail.handlers.dependencies import template_service
from casetrail.handlers.errors import documented
from casetrail.handlers.routes.cases import CurrentPrincipal

router = Router()

_ID = {"min_length": 1, "max_length": 64, "pattern": r"^[A-Za-z][A-Za-z0-9_]{0,63}$"}
FieldId = Annotated[str, Path(alias="fieldId", **_ID)]
TemplateId = Annotated[str, Path(alias="templateId", **_ID)]
_WRITE_ERRORS = (HTTPStatus.BAD_REQUEST, HTTPStatus.FORBIDDEN, HTTPStatus.CONFLICT)


class FieldList(LazyModel):
    items: list[FieldDefinition]


class TemplateList(LazyModel):
    items: list[Template]


def _created(body) -> Response:
    return Response(status_code=HTTPStatus.CREATED.value, content_type=content_types.APPLICATION_JSON, body=body)


@router.post("/fields", summary="Define a custom field", responses=documented(*_WRITE_ERRORS, success=HTTPStatus.CREATED, body=True), tags=["Templates"])
def create_field(command: Annotated[NewFieldDefinition, Body()], principal: CurrentPrincipal) -> Response[FieldDefinition]:
    return _created(template_service().create_field(principal, command))


@router.get("/fields", summary="The tenant's custom fields", responses=documented(), tags=["Templates"])
def list_fields(principal: CurrentPrincipal) -> FieldList:
    return FieldList(items=template_service().list_fields(principal))


@router.get("/fields/<fieldId>", summary="Read a custom field", responses=documented(HTTPStatus.NOT_FOUND), tags=["Templates"])
def get_field(field_id: FieldId, principal: CurrentPrincipal) -> FieldDefinition:
    return template_service().get_field(principal, field_id)


@router.patch(
    "/fields/<fieldId>",
    summary="Rename, describe, change options or (de)activate a field (its type never changes)",
    responses=documented(*_WRITE_ERRORS, HTTPStatus.NOT_FOUND, body=True),
    tags=["Templates"],
)
def update_field(field_id: FieldId, patch: Annotated[FieldDefinitionPatch, Body()], principal: CurrentPrincipal) -> FieldDefinition:
    return template_service().update_field(principal, field_id, patch)


@router.post("/templates", summary="Define a case template", responses=documented(*_WRITE_ERRORS, success=HTTPStatus.CREATED, body=True), tags=["Templates"])
def create_template(command: Annotated[NewTemplate, Body()], principal: CurrentPrincipal) -> Response[Template]:
    return _created(template_service().create_template(principal, command))


@router.get("/templates", summary="The tenant's case templates", responses=documented(), tags=["Templates"])
def list_templates(principal: CurrentPrincipal) -> TemplateList:
    return TemplateList(items=template_service().list_templates(principal))


@router.get("/templates/<templateId>", summary="Read a case template", responses=documented(HTTPStatus.NOT_FOUND), tags=["Templates"])
def get_template(template_id: TemplateId, principal: CurrentPrincipal) -> Template:
    return template_service().get_template(principal, template_id)


@router.patch(
    "/templates/<templateId>",
    summary="Change or (de)activate a template; existing cases are unaffected",
    responses=documented(*_WRITE_ERRORS, HTTPStatus.NOT_FOUND, body=True),
    tags=["Templates"],
)
def update_template(template_id: TemplateId, patch: Annotated[TemplatePatch, Body()], principal: CurrentPrincipal) -> Template:
    return template_service().update_template(principal, template_id, patch)


@router.post(
    "/templates/<templateId>/test",
    summary="Which fields a sample case makes required, hidden and offered (no side effects)",
    responses=documented(HTTPStatus.NOT_FOUND, body=True),
    tags=["Templates"],
)
def try_template(template_id: TemplateId, sample: Annotated[CaseSample, Body()], principal: CurrentPrincipal) -> TemplateTestResult:
    return template_service().try_template(principal, template_id, sample)
