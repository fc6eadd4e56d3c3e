"""Field definitions and templates in DynamoDB (in the cases table, one partition per tenant each)."""

from typing import Any

from casetrail.domain.errors import Conflict, FieldNotFound, TemplateNotFound
from casetrail.domain.templates import Definitions, FieldDefinition, Template
from casetrail.store import keys
from casetrail.store.dynamo import Table

ENTITY_FIELD = "FIELD"
ENTITY_TEMPLATE = "TEMPLATE"
# A tenant's definitions are configuration, not data: capped so reading all of them is one page.
MAX_DEFINITIONS = 200


class DefinitionRepository:
    def __init__(self, table: Table):
        self._table = table

    def get_field(self, tenant_id: str, field_id: str) -> FieldDefinition:
        item = self._table.get(keys.field_item(tenant_id, field_id))
        if item is None:
            raise FieldNotFound(f"field {field_id} was not found")
        return FieldDefinition.model_validate(item)

    def fields(self, tenant_id: str) -> Definitions:
        page = self._table.query_page(partition_value=keys.fields_partition(tenant_id), limit=MAX_DEFINITIONS)
        return {item["fieldId"]: FieldDefinition.model_validate(item) for item in page.items}

    def get_template(self, tenant_id: str, template_id: str) -> Template:
        item = self._table.get(keys.template_item(tenant_id, template_id))
        if item is None:
            raise TemplateNotFound(f"template {template_id} was not found")
        return Template.model_validate(item)

    def templates(self, tenant_id: str) -> list[Template]:
        page = self._table.query_page(partition_value=keys.templates_partition(tenant_id), limit=MAX_DEFINITIONS)
        return [Template.model_validate(item) for item in page.items]

    def create_field(self, definition: FieldDefinition) -> None:
        self._create(keys.field_item(definition.tenant_id, definition.field_id), ENTITY_FIELD, definition.to_wire(), "field", definition.field_id)

    def create_template(self, template: Template) -> None:
        self._create(keys.template_item(template.tenant_id, template.template_id), ENTITY_TEMPLATE, template.to_wire(), "template", template.template_id)

    def put_field(self, definition: FieldDefinition) -> None:
        self._table.put({**keys.field_item(definition.tenant_id, definition.field_id), "entity": ENTITY_FIELD, **definition.to_wire()})

    def put_template(self, template: Template) -> None:
        self._table.put({**keys.template_item(template.tenant_id, template.template_id), "entity": ENTITY_TEMPLATE, **template.to_wire()})

    def _create(self, key: dict[str, str], entity: str, wire: dict[str, Any], label: str, item_id: str) -> None:
        if not self._table.put_if_absent({**key, "entity": entity, **wire}):
            raise Conflict(f"{label} {item_id} already exists: change it with PATCH", details={f"{label}Id": item_id})
