"""Drives the real contact-flow handlers with the Connect events in events/connect."""

import importlib
from typing import Any

from tests.conftest import load_event
from tests.lambda_context import FakeLambdaContext

DEMO_INSTANCE_ARN = "arn:aws:connect:us-east-1:111122223333:instance/demo"
DEMO_PHONE = "+15551234567"


def flow_event(function: str, *, parameters: dict[str, str] | None = None, contact_id: str | None = None, phone: str | None = ..., instance_arn: str | None = None) -> dict[str, Any]:
    event = load_event(f"connect/{function}.json")
    data = event["Details"]["ContactData"]
    if parameters is not None:
        event["Details"]["Parameters"] = parameters
    if contact_id is not None:
        data["ContactId"] = data["InitialContactId"] = contact_id
    if phone is None:
        data["CustomerEndpoint"] = None
    elif phone is not ...:
        data["CustomerEndpoint"]["Address"] = phone
    if instance_arn is not None:
        data["InstanceARN"] = instance_arn
    return event


def invoke(function: str, **changes: Any) -> dict[str, str]:
    """Runs `casetrail.handlers.connect.<function>.handler` with its sample event, as Connect would."""
    module = importlib.import_module(f"casetrail.handlers.connect.{function}")
    return module.handler(flow_event(function, **changes), FakeLambdaContext())
