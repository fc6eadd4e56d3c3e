"""What every contact-flow function shares: reading Connect's event, resolving the tenant from the
instance, the flow's principal, and the answer Connect expects (a flat map of strings).

A flow invoking a Lambda gives up after 8 seconds and retries on an error, then takes its Error
branch: so nothing escapes as an exception. Every answer carries `success` for the flow to branch
on, and a failure names an `error` code and an `errorMessage` that reveals no data.

Kept light on imports: the data class and the logger only; each function imports its services
when it runs (see wiring.py), so a cold start pays for what that function uses.
"""

import functools
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.data_classes import ConnectContactFlowEvent
from aws_lambda_powertools.utilities.typing import LambdaContext

from casetrail.domain.identity import Principal, Role, PrincipalKind
from casetrail.observability import logger

FLOW_PRINCIPAL_ID = "amazon-connect"
FLOW_PRINCIPAL_NAME = "Amazon Connect flow"

Operation = Callable[[Principal, Any], dict[str, Any]]


class UnknownInstance(Exception):
    code = "UNKNOWN_INSTANCE"


def flow_principal(instance_arn: str, instances: dict[str, str]) -> Principal:
    """The principal a flow acts as: the tenant its Connect instance is configured for."""
    tenant_id = instances.get(instance_arn)
    if not tenant_id:
        raise UnknownInstance("this Connect instance is not configured for Casetrail")
    return Principal(tenant_id=tenant_id, principal_id=FLOW_PRINCIPAL_ID, name=FLOW_PRINCIPAL_NAME, role=Role.INTEGRATION, kind=PrincipalKind.SYSTEM)


def success(result: dict[str, Any]) -> dict[str, str]:
    """Connect's STRING_MAP: flat, strings only; absent values are left out."""
    return {"success": "true", **{name: _text(value) for name, value in result.items() if value is not None}}


def failure(code: str, message: str) -> dict[str, str]:
    return {"success": "false", "error": code, "errorMessage": message}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def contact_flow_function(operation: Callable[[Principal, Any], dict[str, Any]]) -> Callable[[dict, LambdaContext], dict[str, str]]:
    """Turns `operation(principal, contact)` into a contact-flow Lambda handler."""

    @functools.wraps(operation)
    @logger.inject_lambda_context(clear_state=True)
    def handler(event: dict, context: LambdaContext) -> dict[str, str]:
        flow_event = ConnectContactFlowEvent(event)
        try:
            return success(_run(operation, flow_event, context))
        except UnknownInstance as error:
            logger.warning("Contact flow from an unconfigured Connect instance")
            return failure(error.code, str(error))
        except Exception as error:  # noqa: BLE001 - an exception would send the caller down the Error branch
            return _failure_of(error)

    return handler


def _run(operation: Callable, flow_event: ConnectContactFlowEvent, context: LambdaContext) -> dict[str, Any]:
    from casetrail.handlers.connect import wiring

    data = flow_event.contact_data
    principal = flow_principal(data.instance_arn, wiring.connect_instances())
    logger.append_keys(contact_id=data.contact_id, tenant_id=principal.tenant_id, flow_function=operation.__module__.rsplit(".", 1)[-1])
    wiring.register_context(context)
    return operation(principal, wiring.flow_contact(flow_event))


def _failure_of(error: Exception) -> dict[str, str]:
    from pydantic import ValidationError

    from casetrail.domain.errors import CasetrailError

    if isinstance(error, CasetrailError):
        logger.info("Contact flow request refused", extra={"error": error.code})
        return failure(error.code, error.message)
    if isinstance(error, ValidationError):
        fields = ", ".join(".".join(str(p) for p in e["loc"]) or "input" for e in error.errors())
        return failure("INVALID_REQUEST", f"invalid parameters: {fields}")
    logger.exception("Contact flow function failed")
    return failure("INTERNAL_ERROR", "Something went wrong; please try again later")
