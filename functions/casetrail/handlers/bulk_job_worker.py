"""Runs bulk jobs on, part by part, without the client: SQS (fed by the bus rule for
BULK_JOB.PROGRESSED) -> this function -> the next part, whose save announces the one after.

Each event names the part just saved; the worker runs the next one only when the job is still at
that part, so a redelivered or replayed event, or one a client's `continue` overtook, does nothing.
A part that fails (DynamoDB unavailable...) fails its message: SQS retries it, then parks it in the
DLQ, which pages ops; the job keeps its cursor and a client's `continue` resumes it meanwhile.
"""

from functools import cache

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.typing import LambdaContext

from casetrail.handlers import init_done
from casetrail.handlers.case_event_messages import CaseEventMessage, accepted_detail
from casetrail.observability import logger, metrics, tracer

# One message per invocation: its failure is reported as a batch item failure, not a function error.
processor = BatchProcessor(event_type=EventType.SQS, model=CaseEventMessage, raise_on_entire_batch_failure=False)
_context: dict[str, LambdaContext] = {}  # the invocation's context: a part ends before its timeout


@cache
def bulk_change_service():
    from casetrail.service.bulk_changes import BulkChangeService
    from casetrail.search.engines import search_index
    from casetrail.service.case_closure import CaseClosure
    from casetrail.service.case_search import CaseFinder
    from casetrail.service.cases import CaseService
    from casetrail.service.tasks import TaskService
    from casetrail.service.users import UserDirectory
    from casetrail.settings import get_settings
    from casetrail.store.bulk_jobs import BulkJobRepository
    from casetrail.store.cases import CaseRepository
    from casetrail.store.customers import CustomerRepository
    from casetrail.store.dynamo import Table
    from casetrail.store.task_templates import TaskTemplateRepository
    from casetrail.store.tasks import TaskRepository
    from casetrail.store.users import UserRepository

    settings = get_settings()
    cases_table, tasks_table = Table(settings.cases_table_name), Table(settings.tasks_table_name)
    cases, tasks = CaseRepository(cases_table), TaskRepository(tasks_table)
    users = UserDirectory(UserRepository(Table(settings.users_table_name)))
    return BulkChangeService(
        BulkJobRepository(cases_table),
        CaseService(cases, CustomerRepository(cases_table), closure=CaseClosure(tasks), users=users, finder=CaseFinder(cases, search_index)),
        TaskService(tasks, cases, templates=TaskTemplateRepository(tasks_table), users=users),
        time_left=lambda: _context["lambda"].get_remaining_time_in_millis(),
    )


def run_part(record: CaseEventMessage) -> None:
    detail = accepted_detail(record)
    if detail.get("status") != "running":
        return
    job = bulk_change_service().run_next_part(detail["tenantId"], detail["jobId"], detail["part"])
    logger.info(
        "Bulk job part run" if job else "Bulk job part already run",
        extra={"tenant_id": detail["tenantId"], "job_id": detail["jobId"], "part": job.part if job else detail["part"]},
    )
    if job:
        metrics.add_metric(name="BulkJobParts", unit="Count", value=1)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict, context: LambdaContext) -> dict:
    _context["lambda"] = context
    return process_partial_response(event=event, record_handler=run_part, processor=processor, context=context)


init_done()  # the end of this function's init: the garbage collector resumes (casetrail/handlers/__init__.py)
