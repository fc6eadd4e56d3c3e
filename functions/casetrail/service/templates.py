"""Custom fields and case templates: supervisors and admins define them, everyone reads them."""

from casetrail.domain.errors import Conflict
from casetrail.domain.identity import Principal, require_supervising
from casetrail.domain.templates import (
    FieldDefinition,
    FieldDefinitionPatch,
    FieldType,
    NewFieldDefinition,
    NewTemplate,
    Template,
    TemplatePatch,
    CaseSample,
    TemplateTestResult,
    check_template_fields,
    sample_form,
)
from casetrail.service.cases import Clock, utc_now
from casetrail.store.templates import MAX_DEFINITIONS, DefinitionRepository


class TemplateService:
    def __init__(self, definitions: DefinitionRepository, clock: Clock = utc_now):
        self._definitions = definitions
        self._clock = clock

    # --- fields ------------------------------------------------------------------------------

    def create_field(self, principal: Principal, command: NewFieldDefinition) -> FieldDefinition:
        _require_manager(principal)
        if len(self._definitions.fields(principal.tenant_id)) >= MAX_DEFINITIONS:
            raise Conflict(f"a tenant has at most {MAX_DEFINITIONS} fields")
        at = self._clock()
        definition = FieldDefinition(**command.model_dump(), tenant_id=principal.tenant_id, created_at=at, updated_at=at)
        self._definitions.create_field(definition)
        return definition

    def list_fields(self, principal: Principal) -> list[FieldDefinition]:
        return list(self._definitions.fields(principal.tenant_id).values())

    def get_field(self, principal: Principal, field_id: str) -> FieldDefinition:
        return self._definitions.get_field(principal.tenant_id, field_id)

    def update_field(self, principal: Principal, field_id: str, patch: FieldDefinitionPatch) -> FieldDefinition:
        _require_manager(principal)
        current = self._definitions.get_field(principal.tenant_id, field_id)
        if patch.options is not None and current.type is not FieldType.SINGLE_SELECT:
            raise Conflict(f"field {field_id} is a {current.type.value} field: only singleSelect fields have options")
        changed = {name: getattr(patch, name) for name in patch.model_fields_set if getattr(patch, name) is not None or name == "description"}
        updated = current.model_copy(update={**changed, "updated_at": self._clock()})
        self._definitions.put_field(updated)
        return updated

    # --- templates ---------------------------------------------------------------------------

    def create_template(self, principal: Principal, command: NewTemplate) -> Template:
        _require_manager(principal)
        if len(self._definitions.templates(principal.tenant_id)) >= MAX_DEFINITIONS:
            raise Conflict(f"a tenant has at most {MAX_DEFINITIONS} templates")
        check_template_fields(command.fields, self._definitions.fields(principal.tenant_id))
        at = self._clock()
        template = Template(**command.model_dump(), tenant_id=principal.tenant_id, created_at=at, updated_at=at)
        self._definitions.create_template(template)
        return template

    def list_templates(self, principal: Principal) -> list[Template]:
        return self._definitions.templates(principal.tenant_id)

    def get_template(self, principal: Principal, template_id: str) -> Template:
        return self._definitions.get_template(principal.tenant_id, template_id)

    def update_template(self, principal: Principal, template_id: str, patch: TemplatePatch) -> Template:
        _require_manager(principal)
        current = self._definitions.get_template(principal.tenant_id, template_id)
        if patch.fields is not None:
            check_template_fields(patch.fields, self._definitions.fields(principal.tenant_id))
        changed = {name: getattr(patch, name) for name in patch.model_fields_set if getattr(patch, name) is not None or name == "description"}
        updated = current.model_copy(update={**changed, "updated_at": self._clock()})
        self._definitions.put_template(updated)
        return updated

    def try_template(self, principal: Principal, template_id: str, sample: CaseSample) -> TemplateTestResult:
        """Anyone may ask what a form would require, hide and offer: it reads and writes nothing else."""
        template = self._definitions.get_template(principal.tenant_id, template_id)
        return sample_form(template, sample, self._definitions.fields(principal.tenant_id))

    # --- declared as code ----------------------------------------------------------------------

    def load(self, principal: Principal, fields: list[NewFieldDefinition], templates: list[NewTemplate]) -> dict[str, int]:
        """Upserts the declared fields, then the templates (idempotent: loading a file twice
        changes nothing but `updatedAt`). Fields and templates not in the file are left alone."""
        _require_manager(principal)
        existing = self._definitions.fields(principal.tenant_id)
        at = self._clock()
        for command in fields:
            before = existing.get(command.field_id)
            if before is not None and before.type is not command.type:
                raise Conflict(f"field {command.field_id} is a {before.type.value} field: a field's type never changes")
            definition = FieldDefinition(
                **command.model_dump(), tenant_id=principal.tenant_id, created_at=before.created_at if before else at, updated_at=at
            )
            self._definitions.put_field(definition)
            existing[command.field_id] = definition
        current_templates = {t.template_id: t for t in self._definitions.templates(principal.tenant_id)}
        for command in templates:
            check_template_fields(command.fields, existing)
            before = current_templates.get(command.template_id)
            self._definitions.put_template(
                Template(**command.model_dump(), tenant_id=principal.tenant_id, created_at=before.created_at if before else at, updated_at=at)
            )
        return {"fields": len(fields), "templates": len(templates)}


def _require_manager(principal: Principal) -> None:
    require_supervising(principal, "define fields and templates")
