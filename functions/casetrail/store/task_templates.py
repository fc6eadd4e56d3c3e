"""Task templates in DynamoDB (in the tasks table): the only code that knows their keys."""

from casetrail.domain.errors import VersionConflict
from casetrail.domain.task_templates import TaskTemplate, TaskTemplateNotFound
from casetrail.store import keys
from casetrail.store.dynamo import ConditionFailed, Table, serialize

ENTITY_TASK_TEMPLATE = "TASK_TEMPLATE"


class TaskTemplateRepository:
    def __init__(self, table: Table):
        self._table = table

    def get(self, tenant_id: str, template_id: str) -> TaskTemplate:
        item = self._table.get(keys.task_template_item(tenant_id, template_id))
        if item is None:
            raise TaskTemplateNotFound(f"task template {template_id} was not found")
        return TaskTemplate.model_validate(item)

    def list_for_tenant(self, tenant_id: str) -> list[TaskTemplate]:
        return [TaskTemplate.model_validate(i) for i in self._table.query_all(pk=keys.task_templates_partition(tenant_id))]

    def save(self, template: TaskTemplate) -> None:
        """Writes a new template (version 1) or the next version of the one read, never over a change made meanwhile."""
        put = {"Item": serialize(_item(template))}
        if template.version == 1:
            put["ConditionExpression"] = "attribute_not_exists(pk)"
        else:
            put["ConditionExpression"] = "version = :read_version"
            put["ExpressionAttributeValues"] = {":read_version": {"N": str(template.version - 1)}}
        try:
            self._table.transact([{"Put": put}])
        except ConditionFailed as error:
            raise VersionConflict(
                f"task template {template.template_id} changed since version {template.version - 1} was read",
                details={"templateId": template.template_id},
            ) from error


def _item(template: TaskTemplate) -> dict:
    return {**keys.task_template_item(template.tenant_id, template.template_id), "entity": ENTITY_TASK_TEMPLATE, **template.to_wire()}
