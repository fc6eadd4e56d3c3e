"""Task templates: named sets of task fields, each with required / read-only / default rules.

A task created with a `templateId` gets the template's defaults for the fields the request leaves
out; a required field must end up with a value; a read-only field keeps the template's value (a
request may repeat it, never change it). Only an active template makes new tasks: deactivating
one changes nothing for the tasks already made from it.
"""

from datetime import datetime, timedelta
from typing import Annotated, Any

from pydantic import Field, StrictBool, model_validator

from casetrail.domain.cases import Description
from casetrail.domain.errors import CasetrailError, Conflict, NotFound
from casetrail.domain.model_base import CamelModel, CommandModel, Identifier, bounded_text
from casetrail.domain.statuses import Priority
from casetrail.domain.task_references import MAX_REFERENCES, ReferenceKey, TaskReference
from casetrail.domain.tasks import NewTask, TaskName

MAX_TEMPLATES_PER_TENANT = 100  # a tenant's templates are listed with one query
TemplateName = bounded_text(200)
DueIn = Annotated[timedelta, Field(gt=timedelta(0), le=timedelta(days=366), description="ISO 8601 duration, e.g. PT4H")]


class _FieldRule(CommandModel):
    required: StrictBool = Field(default=False, description="The task must end up with a value (from the request or the default)")
    read_only: StrictBool = Field(default=False, description="A request may not set a value other than the default")

    @property
    def fallback(self) -> Any:
        return getattr(self, "default", None)

    @model_validator(mode="after")
    def _satisfiable(self):
        if self.required and self.read_only and self.fallback is None:
            raise ValueError("a required read-only field needs a default")
        return self


class NameRule(_FieldRule):
    default: TaskName | None = None


class DescriptionRule(_FieldRule):
    default: Description | None = None


class PriorityRule(_FieldRule):
    default: Priority | None = None


class OwnerRule(_FieldRule):
    default: Identifier | None = None


class DueRule(_FieldRule):
    """The task's dueAt; its default is a duration from the moment the task is created."""

    default_in: DueIn | None = None

    @property
    def fallback(self) -> Any:
        return self.default_in


class ReferenceRule(_FieldRule):
    default: TaskReference | None = None


class TemplateFields(CommandModel):
    """The rules of a template, per task field; a field without a rule is free."""

    name: NameRule | None = None
    description: DescriptionRule | None = None
    priority: PriorityRule | None = None
    queue: OwnerRule | None = None
    assignee: OwnerRule | None = None
    due_at: DueRule | None = None
    references: dict[ReferenceKey, ReferenceRule] = Field(default_factory=dict, max_length=MAX_REFERENCES)


class NewTaskTemplate(CommandModel):
    """Body of POST /task-templates."""

    name: TemplateName
    description: Description | None = None
    active: StrictBool = True
    fields: TemplateFields = Field(default_factory=TemplateFields)


class TaskTemplatePatch(CommandModel):
    """Body of PATCH /task-templates/{templateId}: only the fields present change."""

    name: TemplateName | None = None
    description: Description | None = None
    active: StrictBool | None = None
    fields: TemplateFields | None = None

    @model_validator(mode="after")
    def _changes_something(self):
        for name in ("name", "active", "fields"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        if not self.model_fields_set:
            raise ValueError("the patch changes nothing: send at least one field")
        return self


class TaskTemplate(CamelModel):
    """A template as stored and returned by the API."""

    template_id: str
    tenant_id: str
    name: str
    description: str | None = None
    active: StrictBool
    fields: TemplateFields
    version: int = Field(ge=1)
    created_at: datetime
    updated_at: datetime
    created_by: str
    updated_by: str

    def patched(self, patch: TaskTemplatePatch, *, by: str, at: datetime) -> "TaskTemplate":
        changes = {name: getattr(patch, name) for name in patch.model_fields_set}
        return self.model_copy(update={**changes, "version": self.version + 1, "updated_at": at, "updated_by": by})


class TaskTemplateNotFound(NotFound):
    code = "TASK_TEMPLATE_NOT_FOUND"


class TaskTemplateInactive(Conflict):
    code = "TASK_TEMPLATE_INACTIVE"


class TemplateViolation(CasetrailError):
    """The request breaks one of its template's field rules (422, naming the field)."""


class TemplateFieldRequired(TemplateViolation):
    code = "TEMPLATE_FIELD_REQUIRED"


class TemplateFieldReadOnly(TemplateViolation):
    code = "TEMPLATE_FIELD_READ_ONLY"


_SIMPLE_FIELDS = ("name", "description", "priority", "queue", "assignee")


def apply_template(template: TaskTemplate, command: NewTask, *, at: datetime) -> NewTask:
    """The task the request makes under its template: defaults filled in, rules enforced."""
    if not template.active:
        raise TaskTemplateInactive(f"task template {template.template_id} is inactive", details={"templateId": template.template_id})
    given = command.model_fields_set
    rules = template.fields
    values: dict[str, Any] = {name: getattr(command, name) for name in given}
    for name in _SIMPLE_FIELDS:
        rule = getattr(rules, name)
        if rule is not None:
            values[name] = _ruled(template, name, rule, values.get(name), given=name in given)
    if rules.due_at is not None:
        rule = rules.due_at
        if "due_at" in given and rule.read_only:  # the default is "now + dueIn": a request cannot repeat it
            raise _read_only(template, "dueAt")
        if values.get("due_at") is None and rule.default_in is not None:
            values["due_at"] = at + rule.default_in
        if rule.required and values.get("due_at") is None:
            raise _required(template, "dueAt")
    references = dict(command.references)
    for key, rule in rules.references.items():
        value = _ruled(template, f"references.{key}", rule, references.get(key), given=key in references)
        if value is not None:
            references[key] = value
    values["references"] = references
    if values.get("name") is None:
        raise _required(template, "name")
    if values.get("assignee") is None and values.get("queue") is None:
        raise TemplateFieldRequired(
            f"a task needs an assignee or a queue, and task template {template.name!r} gives neither",
            details={"field": "assignee", "templateId": template.template_id},
        )
    if values.get("priority") is None:
        values.pop("priority", None)  # the task's own default applies
    return NewTask(**{**values, "template_id": template.template_id})


def _ruled(template: TaskTemplate, field: str, rule: _FieldRule, value: Any, *, given: bool) -> Any:
    if given and rule.read_only and value != rule.fallback:
        raise _read_only(template, field)
    if value is None:
        value = rule.fallback
    if rule.required and value is None:
        raise _required(template, field)
    return value


def _required(template: TaskTemplate, field: str) -> TemplateFieldRequired:
    return TemplateFieldRequired(
        f"{field} is required by task template {template.name!r}",
        details={"field": field, "templateId": template.template_id},
    )


def _read_only(template: TaskTemplate, field: str) -> TemplateFieldReadOnly:
    return TemplateFieldReadOnly(
        f"{field} is read-only in task template {template.name!r}: leave it out or send the template's value",
        details={"field": field, "templateId": template.template_id},
    )
