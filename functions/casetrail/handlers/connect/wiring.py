"""The contact-flow functions' services, built on first use from the same cached pieces the API uses."""

from functools import cache

from aws_lambda_powertools.utilities.data_classes import ConnectContactFlowEvent
from aws_lambda_powertools.utilities.typing import LambdaContext

from casetrail.handlers import dependencies
from casetrail.handlers.idempotency import config as idempotency_config
from casetrail.service.contact_flows import ContactFlowService, FlowContact
from casetrail.settings import get_settings


def connect_instances() -> dict[str, str]:
    return get_settings().connect_instances


def register_context(context: LambdaContext) -> None:
    # Lets an idempotent operation (create case) expire its in-progress record before Lambda times out.
    idempotency_config.register_lambda_context(context)


def flow_contact(event: ConnectContactFlowEvent) -> FlowContact:
    data = event.contact_data
    endpoint = data.customer_endpoint
    phone = endpoint.address if endpoint is not None and endpoint.get("Type") == "TELEPHONE_NUMBER" else None
    return FlowContact(
        contact_id=data.contact_id,
        channel=data.raw_event.get("Channel") or "VOICE",
        phone=phone,
        parameters={name: str(value) for name, value in (event.parameters or {}).items()},
    )


@cache
def contact_flows() -> ContactFlowService:
    return ContactFlowService(
        dependencies.case_service(),
        dependencies.customer_service(),
        dependencies.related_item_service(),
        dependencies.case_repository(),
        dependencies.task_repository(),
    )
