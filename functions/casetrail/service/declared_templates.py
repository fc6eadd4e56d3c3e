"""Fields and templates declared as code: a JSON file ({"fields": [...], "templates": [...]}, the
same bodies as POST /fields and POST /templates) upserted into a tenant."""

import json
from pathlib import Path

from pydantic import TypeAdapter

from casetrail.domain.identity import Principal, Role, PrincipalKind
from casetrail.domain.templates import NewFieldDefinition, NewTemplate
from casetrail.service.templates import TemplateService

_FIELDS = TypeAdapter(list[NewFieldDefinition])
_TEMPLATES = TypeAdapter(list[NewTemplate])


def load_declared_templates(service: TemplateService, tenant_id: str, path: Path) -> dict[str, int]:
    """Raises pydantic's ValidationError naming the entry when the file is not valid."""
    declared = json.loads(path.read_text())
    loader = Principal(tenant_id=tenant_id, principal_id="declared-templates", name="Templates as code", role=Role.ADMIN, kind=PrincipalKind.SYSTEM)
    return service.load(loader, _FIELDS.validate_python(declared.get("fields", [])), _TEMPLATES.validate_python(declared.get("templates", [])))
