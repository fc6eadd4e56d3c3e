"""Notifies subscribers of case events: SQS (fed by the bus rule) -> this function.

A record whose deliveries did not all succeed is reported as a batch item failure: SQS delivers it
again after the visibility timeout (the backoff) and, after maxReceiveCount attempts, parks it in
the dead-letter queue. Deliveries that succeeded are recorded and not repeated on those retries.
Each record's deliveries get the time the function has left, less a margin to report the batch.
"""


from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.typing import LambdaContext

from casetrail.handlers import init_done
from casetrail.handlers.notification_wiring import notifier
from casetrail.handlers.case_event_messages import CaseEventMessage, accepted_detail
from casetrail.observability import logger, metrics, tracer

# A batch where every record failed is reported item by item too, rather than as a function error:
# SQS retries the same records either way, and one unreachable receiver is not a crash.
processor = BatchProcessor(event_type=EventType.SQS, model=CaseEventMessage, raise_on_entire_batch_failure=False)


# Time kept back from the function's remaining time: recording outcomes and answering the batch.
SAFETY_MARGIN_SECONDS = 3.0


def notify_record(record: CaseEventMessage, lambda_context: LambdaContext) -> None:
    detail = accepted_detail(record)
    if detail is None:  # an event of a deleted case: nothing to do, ever
        return
    budget_seconds = lambda_context.get_remaining_time_in_millis() / 1000 - SAFETY_MARGIN_SECONDS
    outcome = notifier().notify(detail, budget_seconds=budget_seconds)
    logger.info(
        "Notified",
        extra={
            "event_id": detail.get("eventId"),
            "tenant_id": detail.get("tenantId"),
            "sent": len(outcome.sent),
            "already_sent": len(outcome.already_sent),
            "refused": len(outcome.refused),
        },
    )
    metrics.add_metric(name="NotificationsSent", unit="Count", value=len(outcome.sent))
    if outcome.refused:
        metrics.add_metric(name="WebhooksRefused", unit="Count", value=len(outcome.refused))


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict, context: LambdaContext) -> dict:
    return process_partial_response(event=event, record_handler=notify_record, processor=processor, context=context)


init_done()  # the end of this function's init: the garbage collector resumes (casetrail/handlers/__init__.py)
