"""Meters case events for billing, from the Billing consumer's SQS queue.

Each message is an EventBridge event; Powertools parses the envelope (a message whose body is not
an EventBridge event fails on its own) and reports only the failed messages back to SQS, which
redelivers them and, after a few attempts, moves them to the dead-letter queue. Metering is
idempotent, so a redelivered, replayed or duplicated event is a success that counts nothing.
"""

from functools import cache

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.typing import LambdaContext

from casetrail.handlers import init_done
from casetrail.handlers.case_event_messages import CaseEventMessage, accepted_detail
from casetrail.observability import logger, metrics, tracer
from casetrail.service.billing import MeteringService, PriceList
from casetrail.settings import get_settings
from casetrail.store.dynamo import Table
from casetrail.store.usage import UsageRepository


# A batch whose every record failed (e.g. all lost their races) is reported item by item too, not
# raised: SQS retries exactly those records either way, and a conflict is not a function error.
processor = BatchProcessor(event_type=EventType.SQS, model=CaseEventMessage, raise_on_entire_batch_failure=False)


@cache
def metering_service() -> MeteringService:
    usage = UsageRepository(Table(get_settings().usage_table_name))
    return MeteringService(usage, PriceList(usage, get_settings().default_pricing()))


def meter(record: CaseEventMessage) -> None:
    detail = accepted_detail(record)
    if detail is None:  # an event of a deleted case: nothing to do, ever
        return
    counted = metering_service().meter(detail)
    logger.info(
        "Metered" if counted else "Already metered or not billable",
        extra={"event_id": detail.get("eventId"), "event_type": detail.get("eventType"), "tenant_id": detail.get("tenantId")},
    )
    if counted:
        metrics.add_metric(name="UnitsMetered", unit="Count", value=1)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict, context: LambdaContext) -> dict:
    return process_partial_response(event=event, record_handler=meter, processor=processor, context=context)


init_done()  # the end of this function's init: the garbage collector resumes (casetrail/handlers/__init__.py)
