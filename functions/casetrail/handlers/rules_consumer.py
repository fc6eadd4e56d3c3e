"""Applies the tenant's rules to case events: SQS (fed by the bus rule) -> this function.

A record that fails (a case that kept changing, a throttled write) is reported as a batch item
failure: SQS redelivers it and, after a few attempts, parks it in the dead-letter queue. Rules
already applied for that event are recorded and not applied again on the retry.
"""

from functools import cache

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.typing import LambdaContext

from casetrail.handlers import init_done
from casetrail.handlers.case_event_messages import CaseEventMessage, accepted_detail
from casetrail.observability import logger, metrics, tracer
from casetrail.service.rules import RuleEngine
from casetrail.service.tasks import TaskService
from casetrail.settings import get_settings
from casetrail.store.cases import CaseRepository
from casetrail.store.dynamo import Table
from casetrail.store.rules import RuleRepository
from casetrail.store.tasks import TaskRepository

processor = BatchProcessor(event_type=EventType.SQS, model=CaseEventMessage, raise_on_entire_batch_failure=False)


@cache
def rule_engine() -> RuleEngine:
    settings = get_settings()
    cases_table = Table(settings.cases_table_name)
    cases = CaseRepository(cases_table)
    return RuleEngine(RuleRepository(cases_table), cases, TaskService(TaskRepository(Table(settings.tasks_table_name)), cases))


def apply_rules(record: CaseEventMessage) -> None:
    detail = accepted_detail(record)
    if detail is None:  # an event of a deleted case: nothing to do, ever
        return
    outcomes = rule_engine().handle(detail)
    logger.info(
        "Rules applied" if outcomes else "No rule applied",
        extra={"event_id": detail.get("eventId"), "tenant_id": detail.get("tenantId"), "rule_ids": [o.rule_id for o in outcomes]},
    )
    if outcomes:
        metrics.add_metric(name="RulesApplied", unit="Count", value=len(outcomes))


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict, context: LambdaContext) -> dict:
    return process_partial_response(event=event, record_handler=apply_rules, processor=processor, context=context)


init_done()  # the end of this function's init: the garbage collector resumes (casetrail/handlers/__init__.py)
