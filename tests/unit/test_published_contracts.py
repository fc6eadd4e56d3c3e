"""The committed OpenAPI document and event schema must match what the code generates."""

import pytest

from casetrail import docs


@pytest.mark.parametrize(
    ("committed", "generate"),
    [
        (docs.OPENAPI_FILE, docs.openapi_document),
        (docs.EVENT_SCHEMA_FILE, docs.event_schema),
        (docs.TASK_EVENT_SCHEMA_FILE, docs.task_event_schema),
        (docs.RULE_EVENT_SCHEMA_FILE, docs.rule_event_schema),
        (docs.ERASURE_EVENT_SCHEMA_FILE, docs.erasure_event_schema),
    ],
    ids=["openapi", "event-schema", "task-event-schema", "rule-event-schema", "erasure-event-schema"],
)
def test_the_committed_contract_is_current(committed, generate):
    assert committed.read_text() == docs.render(generate()), f"{committed.name} is stale: run `make docs`"


def test_every_route_documents_the_error_shape():
    document = docs.openapi_document()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            schema = operation["responses"]["422"]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorResponse"}, f"{method.upper()} {path}"
