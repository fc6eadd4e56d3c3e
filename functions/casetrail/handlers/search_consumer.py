"""Keeps the case search index in step with case events, from the Search consumer's SQS queue.

As every consumer: Powertools parses each message and reports only failed ones back to SQS (retried,
then dead-lettered with an alarm). Indexing is idempotent and ordered by version (search/feed.py),
so a redelivered, replayed or late event is a success that changes nothing."""

from functools import cache

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.typing import LambdaContext

from casetrail.handlers import init_done
from casetrail.handlers.case_event_messages import CaseEventMessage, accepted_detail
from casetrail.observability import logger, metrics, tracer
from casetrail.search.engines import search_index
from casetrail.search.feed import SearchFeed

processor = BatchProcessor(event_type=EventType.SQS, model=CaseEventMessage)


@cache
def search_feed() -> SearchFeed:
    return SearchFeed(search_index())


def index(record: CaseEventMessage) -> None:
    detail = accepted_detail(record)
    changed = search_feed().apply(detail)
    logger.info(
        "Indexed" if changed else "Already indexed or older than the index",
        extra={"event_id": detail.get("eventId"), "event_type": detail.get("eventType"), "tenant_id": detail.get("tenantId")},
    )
    if changed:
        metrics.add_metric(name="DocumentsIndexed", unit="Count", value=changed)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict, context: LambdaContext) -> dict:
    return process_partial_response(event=event, record_handler=index, processor=processor, context=context)


init_done()  # the end of this function's init: the garbage collector resumes (casetrail/handlers/__init__.py)
