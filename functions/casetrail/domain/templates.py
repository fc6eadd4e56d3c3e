"""Tenant-defined custom fields and case templates, and the rules that check a case's field values.

A field is typed once (its type never changes, so stored values stay readable). A template names
fields in display order, says which are required and gives defaults. Deactivating either refuses
new use only: a case keeps and shows what it has.
"""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import Field, StrictBool, model_validator

from casetrail.domain.errors import InvalidFieldValues, UnknownReference
from casetrail.domain.instants import parse_instant
from casetrail.domain.model_base import CamelModel, CommandModel, bounded_text

# Ids are chosen by the tenant (so templates can be declared as code) and appear in
# `fields.<fieldId>` change ids: letters, digits and underscores only.
DefinitionId = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,63}$")]
FieldValue = bool | int | float | str
Options = Annotated[list[bounded_text(100)], Field(min_length=1, max_length=100)]
TEXT_MAX = 4_100  # Amazon Connect Cases' limit for a text field


class FieldType(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    BOOLEAN = "boolean"
    DATETIME = "datetime"
    SINGLE_SELECT = "singleSelect"
    URL = "url"
    USER = "user"


class NewFieldDefinition(CommandModel):
    """Body of POST /fields."""

    field_id: DefinitionId
    name: bounded_text(100)
    description: bounded_text(500, min_length=0) | None = None
    type: FieldType
    options: Options | None = Field(default=None, description="singleSelect only: the allowed values")
    active: StrictBool = True

    @model_validator(mode="after")
    def _options_only_for_single_select(self):
        if (self.type is FieldType.SINGLE_SELECT) != (self.options is not None):
            raise ValueError("options are required for a singleSelect field and allowed for no other type")
        return self


class FieldDefinitionPatch(CommandModel):
    """Body of PATCH /fields/{fieldId}: the type is fixed for life; options can change."""

    name: bounded_text(100) | None = None
    description: bounded_text(500, min_length=0) | None = None
    options: Options | None = None
    active: StrictBool | None = None


class FieldDefinition(CamelModel):
    field_id: str
    tenant_id: str
    name: str
    description: str | None = None
    type: FieldType
    options: list[str] | None = None
    active: StrictBool = True
    created_at: datetime
    updated_at: datetime


def _named_once(template):
    ids = [f.field_id for f in template.fields or []]
    if len(ids) != len(set(ids)):
        raise ValueError("a template names each field once")
    return template


class TemplateField(CommandModel):
    field_id: DefinitionId
    required: StrictBool = False
    default_value: FieldValue | None = None


class NewTemplate(CommandModel):
    """Body of POST /templates. `fields` is in display order."""

    template_id: DefinitionId
    name: bounded_text(100)
    description: bounded_text(1_000, min_length=0) | None = None
    active: StrictBool = True
    fields: Annotated[list[TemplateField], Field(max_length=100)] = Field(default_factory=list)

    _fields_once = model_validator(mode="after")(lambda self: _named_once(self))


class TemplatePatch(CommandModel):
    name: bounded_text(100) | None = None
    description: bounded_text(1_000, min_length=0) | None = None
    active: StrictBool | None = None
    fields: Annotated[list[TemplateField], Field(max_length=100)] | None = None

    _fields_once = model_validator(mode="after")(lambda self: _named_once(self))


class Template(CamelModel):
    template_id: str
    tenant_id: str
    name: str
    description: str | None = None
    active: StrictBool = True
    fields: list[TemplateField] = Field(default_factory=list)
    created_at: datetime
    updated_at: datetime


Definitions = dict[str, FieldDefinition]


def check_template_fields(fields: list[TemplateField], definitions: Definitions) -> None:
    """A template may only name existing fields, and its defaults must be valid values of them."""
    issues = {}
    for entry in fields:
        definition = definitions.get(entry.field_id)
        if definition is None:
            issues[entry.field_id] = "no such field: create it with POST /fields first"
        elif entry.default_value is not None:
            try:
                _typed(definition, entry.default_value)
            except ValueError as error:
                issues[entry.field_id] = f"default: {error}"
    if issues:
        raise InvalidFieldValues("the template's fields are not valid", details={"fields": issues})


def case_fields_from_template(template: Template | None, values: dict[str, Any], definitions: Definitions) -> dict[str, FieldValue]:
    """The field values of a new case: checked, typed, with the template's defaults filled in and
    its required fields present. A new case cannot use an inactive template."""
    if template is not None and not template.active:
        raise UnknownReference(f"template {template.template_id} is inactive: new cases cannot use it", details={"templateId": template.template_id})
    merged = dict(values)
    for entry in template.fields if template else []:
        if merged.get(entry.field_id) is None and entry.default_value is not None:
            merged[entry.field_id] = entry.default_value
    result = changed_field_values({}, merged, definitions)
    _require(template, result)
    return result


def changed_field_values(current: dict[str, FieldValue], changes: dict[str, Any], definitions: Definitions, template: Template | None = None) -> dict[str, FieldValue]:
    """`current` with `changes` merged (null removes a value). New values must be valid for an
    active field; values already stored are never re-checked, so a case outlives its definitions."""
    issues = {}
    result = dict(current)
    for field_id, value in changes.items():
        if value is None:
            result.pop(field_id, None)
            continue
        definition = definitions.get(field_id)
        if definition is None:
            issues[field_id] = "no such field"
        elif not definition.active:
            issues[field_id] = "the field is inactive: it accepts no new values"
        else:
            try:
                result[field_id] = _typed(definition, value)
            except ValueError as error:
                issues[field_id] = str(error)
    if issues:
        raise InvalidFieldValues("some field values are not valid", details={"fields": issues})
    if template is not None:
        _require(template, result)
    return result


def values_from_text(texts: dict[str, str], definitions: Definitions) -> dict[str, Any]:
    """Field values collected as text (a contact flow's parameters are all strings) in the types
    their definitions declare, ready for the usual checks; a text that is no such value stays text
    and fails those checks with a clear message."""
    values: dict[str, Any] = {}
    for field_id, text in texts.items():
        kind = definitions[field_id].type if field_id in definitions else None
        if kind is FieldType.BOOLEAN and text.lower() in ("true", "false"):
            values[field_id] = text.lower() == "true"
        elif kind is FieldType.NUMBER:
            try:
                values[field_id] = int(text) if text.lstrip("-").isdigit() else float(text)
            except ValueError:
                values[field_id] = text
        else:
            values[field_id] = text
    return values


def _require(template: Template | None, values: dict[str, FieldValue]) -> None:
    missing = [f.field_id for f in (template.fields if template else []) if f.required and values.get(f.field_id) is None]
    if missing:
        raise InvalidFieldValues(
            "required fields are missing", details={"fields": {field_id: "required by the template" for field_id in missing}}
        )


def _typed(definition: FieldDefinition, value: Any) -> FieldValue:
    """The value in its stored form, or ValueError saying what is wrong with it."""
    kind = definition.type
    if kind is FieldType.BOOLEAN:
        if not isinstance(value, bool):
            raise ValueError("expected true or false")
        return value
    if kind is FieldType.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError("expected a number")
        return value
    if not isinstance(value, str):
        raise ValueError("expected a string")
    if kind is FieldType.TEXT:
        if len(value) > TEXT_MAX:
            raise ValueError(f"at most {TEXT_MAX} characters")
        return value
    if kind is FieldType.SINGLE_SELECT:
        if value not in (definition.options or []):
            raise ValueError(f"expected one of {definition.options}")
        return value
    if kind is FieldType.DATETIME:
        return parse_instant(value).isoformat().replace("+00:00", "Z")
    if kind is FieldType.URL:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(value) > 2_048:
            raise ValueError("expected an http(s) URL")
        return value
    # USER: a principal id of the tenant, in the same form as an assignee.
    if not value or len(value) > 128 or "#" in value or any(c.isspace() for c in value):
        raise ValueError("expected a user id")
    return value

