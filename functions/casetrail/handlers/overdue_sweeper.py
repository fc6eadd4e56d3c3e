"""Flags tasks still open past their due time, once each (TASK.OVERDUE), every minute.

Invoked by an EventBridge schedule (deployed) or the local runner's timer with a scheduled event;
the event's content is not used: "now" is the clock's. Safe to run twice or concurrently.
"""

from functools import cache

from aws_lambda_powertools.utilities.typing import LambdaContext

from casetrail.handlers import init_done
from casetrail.observability import logger, metrics, tracer
from casetrail.service.tasks import TaskService
from casetrail.settings import get_settings
from casetrail.store.access import AccessRepository
from casetrail.store.cases import CaseRepository
from casetrail.store.dynamo import Table
from casetrail.store.tasks import TaskRepository


@cache
def task_service() -> TaskService:
    settings = get_settings()
    return TaskService(TaskRepository(Table(settings.tasks_table_name)), CaseRepository(Table(settings.cases_table_name)))


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict, context: LambdaContext) -> dict:
    tenants = AccessRepository(Table(get_settings().access_table_name)).tenant_ids()
    result = task_service().flag_overdue(tenants)
    logger.info("Overdue sweep", extra={"read": result.read, "flagged": result.flagged})
    metrics.add_metric(name="TasksFlaggedOverdue", unit="Count", value=result.flagged)
    return {"read": result.read, "flagged": result.flagged}


init_done()  # the end of this function's init: the garbage collector resumes (casetrail/handlers/__init__.py)
