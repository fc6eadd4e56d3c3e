"""Fields and templates declared as code (config/templates.json), loaded into a tenant."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from casetrail.domain.errors import Conflict
from tests.integration.api_client import ApiClient
from tests.integration.templates_support import DEMO_TEMPLATES as DEMO_FILE

pytestmark = pytest.mark.usefixtures("aws")

def _load(path: Path) -> dict:
    from casetrail.handlers.dependencies import template_service
    from casetrail.service.declared_templates import load_declared_templates

    return load_declared_templates(template_service(), "demo", path)


def test_loading_the_demo_file_twice_leaves_one_copy_that_opens_cases():
    _load(DEMO_FILE)
    _load(DEMO_FILE)
    api = ApiClient()
    api.create_customer({"customerId": "cust-1", "name": "Dana"})

    assert [t["templateId"] for t in api.list_templates().body["items"]] == ["refund"]
    created = api.create_case({"title": "Refund", "customerId": "cust-1", "templateId": "refund", "fields": {"orderNumber": "A-1"}})
    assert created.status == 201 and created.body["fields"] == {"orderNumber": "A-1", "reason": "other", "goodwill": False}


def test_a_declared_field_cannot_change_its_type(tmp_path):
    _load(DEMO_FILE)
    changed = tmp_path / "templates.json"
    changed.write_text('{"fields": [{"fieldId": "orderNumber", "name": "Order", "type": "number"}]}')

    with pytest.raises(Conflict, match="type never changes"):
        _load(changed)


def test_an_invalid_file_is_refused_naming_the_entry(tmp_path):
    broken = tmp_path / "templates.json"
    broken.write_text('{"fields": [{"fieldId": "x", "name": "X", "type": "colour"}]}')

    with pytest.raises(ValidationError, match="type"):
        _load(broken)
