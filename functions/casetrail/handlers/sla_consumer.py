"""Keeps each case's SLAs current from its CASE.CREATED/UPDATED events (SQS, fed by the bus rule).

Assigns SLAs by policy, pauses and resumes their clocks, records Met/NotMet. A repeated event
changes nothing (the SLA already holds it); a record that fails is retried, then dead-lettered.
"""

from functools import cache

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.typing import LambdaContext

from casetrail.handlers import init_done
from casetrail.handlers.case_event_messages import CaseEventMessage, accepted_detail
from casetrail.observability import logger, metrics, tracer
from casetrail.service.slas import SlaService
from casetrail.settings import get_settings
from casetrail.store.cases import CaseRepository
from casetrail.store.dynamo import Table
from casetrail.store.sla_calendars import SlaCalendarRepository
from casetrail.store.timeline import TimelineRepository

# A batch whose every record failed (e.g. all lost their races) is reported item by item too, not
# raised: SQS retries exactly those records either way, and a conflict is not a function error.
processor = BatchProcessor(event_type=EventType.SQS, model=CaseEventMessage, raise_on_entire_batch_failure=False)


@cache
def sla_service() -> SlaService:
    settings = get_settings()
    table = Table(settings.cases_table_name)
    return SlaService(CaseRepository(table), TimelineRepository(table), settings.sla_configuration, SlaCalendarRepository(table))


def track(record: CaseEventMessage) -> None:
    detail = accepted_detail(record)
    if detail is None:  # an event of a deleted case: nothing to do, ever
        return
    changes = sla_service().track(detail)
    logger.info(
        "SLAs changed" if changes else "No SLA change",
        extra={"event_id": detail.get("eventId"), "tenant_id": detail.get("tenantId"), "sla_events": [c.event_type.value for c in changes]},
    )
    if changes:
        metrics.add_metric(name="SlaChanges", unit="Count", value=len(changes))


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict, context: LambdaContext) -> dict:
    return process_partial_response(event=event, record_handler=track, processor=processor, context=context)


init_done()  # the end of this function's init: the garbage collector resumes (casetrail/handlers/__init__.py)
