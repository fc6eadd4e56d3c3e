"""Task template use cases: supervisors and admins define them; everyone may read them."""

import uuid

from casetrail.domain.errors import Conflict, VersionConflict
from casetrail.domain.identity import Principal, require_supervising
from casetrail.domain.task_templates import MAX_TEMPLATES_PER_TENANT, NewTaskTemplate, TaskTemplate, TaskTemplatePatch
from casetrail.service.cases import Clock, utc_now
from casetrail.store.task_templates import TaskTemplateRepository



class TooManyTaskTemplates(Conflict):
    code = "TOO_MANY_TASK_TEMPLATES"


class TaskTemplateService:
    def __init__(self, repository: TaskTemplateRepository, clock: Clock = utc_now):
        self._repository = repository
        self._clock = clock

    def create(self, principal: Principal, command: NewTaskTemplate) -> TaskTemplate:
        _require_editor(principal)
        if len(self._repository.list_for_tenant(principal.tenant_id)) >= MAX_TEMPLATES_PER_TENANT:
            raise TooManyTaskTemplates(f"a tenant may have at most {MAX_TEMPLATES_PER_TENANT} task templates")
        now = self._clock()
        template = TaskTemplate(
            template_id=str(uuid.uuid4()),
            tenant_id=principal.tenant_id,
            version=1,
            created_at=now,
            updated_at=now,
            created_by=principal.principal_id,
            updated_by=principal.principal_id,
            **command.model_dump(),
        )
        self._repository.save(template)
        return template

    def get(self, principal: Principal, template_id: str) -> TaskTemplate:
        return self._repository.get(principal.tenant_id, template_id)

    def list_all(self, principal: Principal) -> list[TaskTemplate]:
        return self._repository.list_for_tenant(principal.tenant_id)

    def update(self, principal: Principal, template_id: str, patch: TaskTemplatePatch, expected_version: int) -> TaskTemplate:
        _require_editor(principal)
        template = self._repository.get(principal.tenant_id, template_id)
        if template.version != expected_version:
            raise VersionConflict(
                f"task template {template_id} is at version {template.version}, not {expected_version}",
                details={"currentVersion": template.version},
            )
        updated = template.patched(patch, by=principal.principal_id, at=self._clock())
        self._repository.save(updated)
        return updated


def _require_editor(principal: Principal) -> None:
    require_supervising(principal, "define task templates")
