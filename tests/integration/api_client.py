"""Drives the real API handler with API Gateway events built from the samples in events/api."""

import json
from dataclasses import dataclass
from typing import Any

from tests.conftest import load_event
from tests.lambda_context import FakeLambdaContext


@dataclass
class ApiResponse:
    status: int
    headers: dict[str, str]
    body: Any


class ApiClient:
    def __init__(self, tenant_id: str = "demo", principal_id: str = "p-demo-agent", name: str = "Ana Agent", role: str = "agent"):
        self.authorizer = {"principalId": principal_id, "tenantId": tenant_id, "name": name, "role": role}

    def request(self, sample: str, *, path: str | None = None, body: Any = ..., headers: dict | None = None, query: dict | None = None, raw_body: str | None = None) -> ApiResponse:
        from casetrail.handlers.api import handler

        event = load_event(f"api/{sample}.json")
        if path is not None:
            event["path"] = path
            event["pathParameters"] = {"proxy": path.lstrip("/")}
            event["requestContext"]["path"] = "/prod" + path
        if body is not ...:
            event["body"] = None if body is None else json.dumps(body)
        if raw_body is not None:
            event["body"] = raw_body
        for name, value in (headers or {}).items():
            _set_header(event, name, value)
        if query is not None:
            event["queryStringParameters"] = query or None
            event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()} or None
        event["requestContext"]["authorizer"] = dict(self.authorizer)
        result = handler(event, FakeLambdaContext())
        headers_out = {k.lower(): v for k, v in (result.get("headers") or {}).items()}
        for name, values in (result.get("multiValueHeaders") or {}).items():
            headers_out.setdefault(name.lower(), values[0])
        is_json = "json" in headers_out.get("content-type", "application/json")
        body_out = (json.loads(result["body"]) if is_json else result["body"]) if result.get("body") else None
        return ApiResponse(status=result["statusCode"], headers=headers_out, body=body_out)

    # Shorthands for the common calls, each built from its own sample event.
    def create_case(self, body: Any = ..., headers: dict | None = None) -> ApiResponse:
        return self.request("create_case", body=body, headers=headers or {"Idempotency-Key": None})

    def get_case(self, case_id: str) -> ApiResponse:
        return self.request("get_case", path=f"/cases/{case_id}")

    def patch_case(self, case_id: str, body: Any, if_match: str | None) -> ApiResponse:
        return self.request("patch_case", path=f"/cases/{case_id}", body=body, headers={"If-Match": if_match})

    def list_cases(self, **query: str) -> ApiResponse:
        return self.request("list_cases", query=query)

    def audit(self, case_id: str, **query: str) -> ApiResponse:
        return self.request("case_audit", path=f"/cases/{case_id}/audit", query=query)

    def create_customer(self, body: Any = ...) -> ApiResponse:
        return self.request("create_customer", body=body)

    def find_customers(self, **query: str) -> ApiResponse:
        return self.request("find_customer", query=query)

    def get_customer(self, customer_id: str) -> ApiResponse:
        return self.request("customer_cases", path=f"/customers/{customer_id}", query={})

    def patch_customer(self, customer_id: str, body: Any) -> ApiResponse:
        return self.request("patch_customer", path=f"/customers/{customer_id}", body=body)

    def customer_cases(self, customer_id: str, **query: str) -> ApiResponse:
        return self.request("customer_cases", path=f"/customers/{customer_id}/cases", query=query)

    def add_related_item(self, case_id: str, item_type: str, content: dict) -> ApiResponse:
        return self.request("add_related_item", path=f"/cases/{case_id}/related-items", body={"type": item_type, "content": content})

    def timeline(self, case_id: str, **query: str) -> ApiResponse:
        return self.request("case_timeline", path=f"/cases/{case_id}/timeline", query=query)

    def edit_comment(self, case_id: str, related_item_id: str, body: Any) -> ApiResponse:
        return self.request("edit_comment", path=f"/cases/{case_id}/related-items/{related_item_id}", body=body)

    def delete_comment(self, case_id: str, related_item_id: str) -> ApiResponse:
        return self.request("delete_comment", path=f"/cases/{case_id}/related-items/{related_item_id}")

    def contact_cases(self, contact_id: str) -> ApiResponse:
        return self.request("contact_cases", path=f"/contacts/{contact_id}/cases")
    def create_task(self, body: Any, case_id: str | None = None) -> ApiResponse:
        return self.request("create_task", path=f"/cases/{case_id}/tasks" if case_id else "/tasks", body=body)

    def get_task(self, task_id: str) -> ApiResponse:
        return self.request("get_task", path=f"/tasks/{task_id}")

    def patch_task(self, task_id: str, body: Any, if_match: str | None) -> ApiResponse:
        return self.request("patch_task", path=f"/tasks/{task_id}", body=body, headers={"If-Match": if_match})

    def claim_task(self, task_id: str) -> ApiResponse:
        return self.request("claim_task", path=f"/tasks/{task_id}/claim")

    def list_tasks(self, **query: str) -> ApiResponse:
        return self.request("list_tasks", query=query)

    def case_tasks(self, case_id: str, **query: str) -> ApiResponse:
        return self.request("list_tasks", path=f"/cases/{case_id}/tasks", query=query)

    def create_task_template(self, body: Any = ...) -> ApiResponse:
        return self.request("create_task_template", body=body)

    def get_task_template(self, template_id: str) -> ApiResponse:
        return self.request("get_task_template", path=f"/task-templates/{template_id}")

    def list_task_templates(self) -> ApiResponse:
        return self.request("list_task_templates")

    def patch_task_template(self, template_id: str, body: Any, if_match: str | None) -> ApiResponse:
        return self.request("patch_task_template", path=f"/task-templates/{template_id}", body=body, headers={"If-Match": if_match})

    def create_field(self, body: Any) -> ApiResponse:
        return self.request("create_field", body=body)

    def list_fields(self) -> ApiResponse:
        return self.request("list_fields")

    def patch_field(self, field_id: str, body: Any) -> ApiResponse:
        return self.request("patch_field", path=f"/fields/{field_id}", body=body)

    def create_template(self, body: Any) -> ApiResponse:
        return self.request("create_template", body=body)

    def list_templates(self) -> ApiResponse:
        return self.request("list_templates")

    def patch_template(self, template_id: str, body: Any) -> ApiResponse:
        return self.request("patch_template", path=f"/templates/{template_id}", body=body)


def _set_header(event: dict, name: str, value: str | None) -> None:
    for key in [k for k in event["headers"] if k.lower() == name.lower()]:
        del event["headers"][key]
        del event["multiValueHeaders"][key]
    if value is not None:
        event["headers"][name] = value
        event["multiValueHeaders"][name] = [value]
