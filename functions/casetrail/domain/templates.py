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
from casetrail.domain.statuses import CaseStatus, Priority
from casetrail.domain.template_rules import (
    CASE_ATTRIBUTES,
    MAX_CONDITIONS,
    Condition,
    FormState,
    OptionsFrom,
    enforce,
    evaluate,
    rule_values,
)

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
    required_when: Condition | None = Field(default=None, description="Required while this condition holds")
    hidden_when: Condition | None = Field(default=None, description="Hidden (and holding no value) while this condition holds")
    options_from: OptionsFrom | None = Field(default=None, description="singleSelect only: the options offered per value of a parent field")


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


class CaseSample(CommandModel):
    """Body of POST /templates/{templateId}/test: the case values a form would hold."""

    status: bounded_text(32) | None = "open"
    priority: bounded_text(32) | None = "normal"
    category: bounded_text(100) | None = None
    queue: bounded_text(128) | None = None
    assignee: bounded_text(128) | None = None
    fields: Annotated[dict[DefinitionId, FieldValue | None], Field(max_length=100)] = Field(default_factory=dict)


class TemplateTestResult(CamelModel):
    """What the template's rules say about a sample case; nothing is stored."""

    required: list[str] = Field(description="Fields that must hold a value")
    hidden: list[str] = Field(description="Fields a form hides; they must hold no value")
    options: dict[str, list[str]] = Field(description="For each field with optionsFrom: the options offered")
    issues: dict[str, str] = Field(description="What a case with these values would be refused for, by field")
    rules: list[str] = Field(description="The conditional rules it breaks (`<fieldId>.requiredWhen|hiddenWhen|optionsFrom`)")


def sample_form(template: Template, sample: CaseSample, definitions: Definitions) -> TemplateTestResult:
    """The form for a sample case: its values are typed as a case's would be, then evaluated."""
    values = changed_field_values({}, sample.fields, definitions)
    state = case_form(template, values, sample.model_dump(exclude={"fields"}))
    return TemplateTestResult(required=state.required, hidden=state.hidden, options=state.options, issues=state.issues, rules=state.rules)


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
    if not issues:
        issues = _rule_issues(fields, definitions)
    if issues:
        raise InvalidFieldValues("the template's fields are not valid", details={"fields": issues})


def _rule_issues(fields: list[TemplateField], definitions: Definitions) -> dict[str, str]:
    """A rule reads fields of the same template (or a case attribute), with values those fields can
    hold, and at most MAX_CONDITIONS comparisons; options map a parent's options to the child's."""
    named = {f.field_id for f in fields}
    issues = {}
    for entry in fields:
        for rule, condition in (("requiredWhen", entry.required_when), ("hiddenWhen", entry.hidden_when)):
            if condition is None:
                continue
            problem = _condition_problem(entry.field_id, condition, named, definitions)
            if problem:
                issues[entry.field_id] = f"rule {entry.field_id}.{rule}: {problem}"
        if entry.options_from is not None and entry.field_id not in issues:
            problem = _options_problem(entry, named, definitions)
            if problem:
                issues[entry.field_id] = f"rule {entry.field_id}.optionsFrom: {problem}"
    return issues


# The case attributes with a closed set of values: a typo in a rule would make it never hold.
_ATTRIBUTE_VALUES = {"status": {s.value for s in CaseStatus}, "priority": {p.value for p in Priority}}


def _condition_problem(field_id: str, condition: Condition, named: set[str], definitions: Definitions) -> str | None:
    comparisons = condition.comparisons()
    if len(comparisons) > MAX_CONDITIONS:
        return f"at most {MAX_CONDITIONS} conditions per rule"
    for comparison in comparisons:
        read = comparison.field_id
        if read == field_id:
            return "a rule cannot depend on its own field"
        if read in named and read in CASE_ATTRIBUTES:
            return f"{read} is both a field of the template and a case attribute: rename the field"
        if read in named:
            if comparison.value is not None:
                try:
                    _typed(definitions[read], comparison.value)
                except ValueError as error:
                    return f"{read} can never be {comparison.value!r}: {error}"
        elif read not in CASE_ATTRIBUTES:
            return f"{read} is neither a field of this template nor one of {list(CASE_ATTRIBUTES)}"
        elif read in _ATTRIBUTE_VALUES and comparison.value is not None and comparison.value not in _ATTRIBUTE_VALUES[read]:
            return f"{read} can never be {comparison.value!r}: expected one of {sorted(_ATTRIBUTE_VALUES[read])}"
    return None


def _options_problem(entry: TemplateField, named: set[str], definitions: Definitions) -> str | None:
    child, parent_id = definitions[entry.field_id], entry.options_from.parent_field_id
    if child.type is not FieldType.SINGLE_SELECT:
        return "only a singleSelect field has options"
    if parent_id == entry.field_id or parent_id not in named or definitions[parent_id].type is not FieldType.SINGLE_SELECT:
        return f"the parent {parent_id} must be another singleSelect field of this template"
    unknown_parent = sorted(set(entry.options_from.mappings) - set(definitions[parent_id].options or []))
    if unknown_parent:
        return f"{parent_id} has no option {unknown_parent}"
    unknown_child = sorted({o for offered in entry.options_from.mappings.values() for o in offered} - set(child.options or []))
    if unknown_child:
        return f"{entry.field_id} has no option {unknown_child}"
    return None


def case_fields_from_template(
    template: Template | None, values: dict[str, Any], definitions: Definitions, attributes: dict[str, Any] | None = None
) -> dict[str, FieldValue]:
    """The field values of a new case: checked, typed, with the template's defaults filled in (but
    not into a hidden field) and its rules kept. A new case cannot use an inactive template."""
    if template is not None and not template.active:
        raise UnknownReference(f"template {template.template_id} is inactive: new cases cannot use it", details={"templateId": template.template_id})
    result = changed_field_values({}, values, definitions)
    if template is None:
        return result
    defaults = {e.field_id: e.default_value for e in template.fields if result.get(e.field_id) is None and e.default_value is not None}
    if defaults:
        result = changed_field_values(result, defaults, definitions)
        hidden = set(evaluate(template.fields, rule_values(result, attributes or {})).hidden)
        result = {field_id: value for field_id, value in result.items() if not (field_id in hidden and field_id in defaults)}
    enforce(evaluate(template.fields, rule_values(result, attributes or {})))
    return result


def case_form(template: Template, fields: dict[str, Any], attributes: dict[str, Any], touched: set[str] | None = None) -> FormState:
    """What the template's rules say about a case with these values (see domain/template_rules.py)."""
    return evaluate(template.fields, rule_values(fields, attributes), touched)


def check_case_rules(template: Template | None, fields: dict[str, Any], attributes: dict[str, Any], touched: set[str]) -> None:
    """A changed case still keeps the rules its change touches (422 naming each broken rule)."""
    if template is not None:
        enforce(case_form(template, fields, attributes, touched))


def changed_field_values(current: dict[str, FieldValue], changes: dict[str, Any], definitions: Definitions) -> dict[str, FieldValue]:
    """`current` with `changes` merged (null removes a value). New values must be valid for an
    active field; values already stored are never re-checked, so a case outlives its definitions.
    The template's rules are checked on the changed case (check_case_rules)."""
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

