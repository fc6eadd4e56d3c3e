"""The OpenAPI document is a contract a client can be generated from: every operation says what it
answers on success (a typed body and its headers, or no body for a 204) and every error status the
API can return for it, in the one error shape. The bounded fuzz run (tests/e2e/test_api_fuzz.py)
checks the handlers answer nothing else."""

import pytest

from casetrail import docs

DOCUMENT = docs.openapi_document()
OPERATIONS = [
    pytest.param(method, path, operation, id=f"{method.upper()} {path}")
    for path, operations in DOCUMENT["paths"].items()
    for method, operation in operations.items()
]
ERROR_SCHEMA = {"$ref": "#/components/schemas/ErrorResponse"}
VERSIONED_RESOURCES = {"Case", "Task", "TaskTemplate"}


def _successes(operation: dict) -> list[tuple[str, dict]]:
    """Usually one; a bulk change answers 200 when it is done and 202 while it runs on."""
    successes = [(status, response) for status, response in operation["responses"].items() if status.startswith("2")]
    assert successes, "a success response"
    return successes


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS)
def test_every_operation_documents_its_success_body(method, path, operation):
    for status, response in _successes(operation):
        if status == "204":
            assert not response.get("content"), "a 204 has no body"
        else:
            schemas = [media.get("schema") for media in response["content"].values()]
            assert schemas and all(schemas), "a typed body"


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS)
def test_a_versioned_resource_documents_its_etag(method, path, operation):
    for _, response in _successes(operation):
        schema = (response.get("content") or {}).get("application/json", {}).get("schema", {})
        if schema.get("$ref", "").rsplit("/", 1)[-1] in VERSIONED_RESOURCES:
            assert "ETag" in response.get("headers", {})


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS)
def test_every_error_the_operation_can_return_is_documented_in_the_error_shape(method, path, operation):
    parameters = {parameter["name"]: parameter["in"] for parameter in operation.get("parameters", [])}
    expected = {"401", "422"}  # no valid key (the gateway), request validation
    if "requestBody" in operation:
        expected |= {"400", "413", "415"}  # malformed JSON, too large (the gateway), not JSON
    if "nextToken" in parameters:
        expected.add("400")  # a token this query did not hand out
    if "if-match" in parameters:
        expected |= {"400", "412"}  # If-Match that is no version, a stale version
    if "path" in parameters.values():
        expected.add("404")  # no such resource, or ROUTE_NOT_FOUND for a value no route matches

    errors = {status: response for status, response in operation["responses"].items() if status[0] in "45"}

    assert expected <= set(errors)
    for response in errors.values():
        assert response["content"]["application/json"]["schema"] == ERROR_SCHEMA
