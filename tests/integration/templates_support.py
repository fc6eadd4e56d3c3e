"""The demo tenant's declared fields and templates (config/templates.json), as `make run` loads them."""

from pathlib import Path

DEMO_TEMPLATES = Path(__file__).resolve().parents[2] / "config" / "templates.json"


def load_demo_templates(tenant_id: str = "demo") -> None:
    from casetrail.handlers.dependencies import template_service
    from casetrail.service.declared_templates import load_declared_templates

    load_declared_templates(template_service(), tenant_id, DEMO_TEMPLATES)
