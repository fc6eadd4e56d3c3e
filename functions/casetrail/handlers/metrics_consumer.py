"""Maintains the key-metric aggregates from case events, from the Metrics consumer's SQS queue.

Applying an event is idempotent and order tolerant (see domain/metrics.py), so a redelivered,
duplicated or late event is a success; only messages that failed are reported back to SQS.
"""

from functools import cache

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.typing import LambdaContext

from casetrail.handlers import init_done
from casetrail.handlers.case_event_messages import CaseEventMessage, accepted_detail
from casetrail.observability import logger, metrics, tracer
from casetrail.service.metrics import MetricsRecorder
from casetrail.settings import get_settings
from casetrail.store.dynamo import Table
from casetrail.store.metrics import MetricsRepository

# A batch whose every record failed (e.g. all lost their races) is reported item by item too, not
# raised: SQS retries exactly those records either way, and a conflict is not a function error.
processor = BatchProcessor(event_type=EventType.SQS, model=CaseEventMessage, raise_on_entire_batch_failure=False)


@cache
def recorder() -> MetricsRecorder:
    settings = get_settings()
    return MetricsRecorder(MetricsRepository(Table(settings.metrics_table_name)), reopen_days=settings.fcr_reopen_days)


def record(record: CaseEventMessage) -> None:
    detail = accepted_detail(record)
    if detail is None:  # an event of a deleted case: nothing to do, ever
        return
    applied = recorder().record(detail)
    logger.info(
        "Applied to metrics" if applied else "Already applied or not a metrics input",
        extra={"event_id": detail.get("eventId"), "event_type": detail.get("eventType"), "tenant_id": detail.get("tenantId")},
    )
    if applied:
        metrics.add_metric(name="MetricEventsApplied", unit="Count", value=1)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict, context: LambdaContext) -> dict:
    return process_partial_response(event=event, record_handler=record, processor=processor, context=context)


init_done()  # the end of this function's init: the garbage collector resumes (casetrail/handlers/__init__.py)
