"""Applies tenants' retention periods, hourly: finishes deletions a request left under way, then
deletes every tenant's cases closed longer ago than its period (service/erasure.py), reading the
sparse closedAt index only (never a scan). Stops with time to spare; the next run continues."""

from functools import cache

from aws_lambda_powertools.utilities.typing import LambdaContext

from casetrail.handlers import init_done
from casetrail.observability import logger, metrics, tracer
from casetrail.service.cases import utc_now
from casetrail.service.erasure import DeletionService, data_lake
from casetrail.settings import get_settings
from casetrail.store.dynamo import Table
from casetrail.store.erasure import ErasureRepository
from casetrail.store.files import FileStore

RESERVE_MS = 5000


@cache
def deletion_service() -> DeletionService:
    settings = get_settings()
    repository = ErasureRepository(
        Table(settings.cases_table_name), Table(settings.tasks_table_name), Table(settings.erasure_table_name), settings.idempotency_table_name
    )
    return DeletionService(
        repository,
        lambda: FileStore(settings.files_bucket_name),
        lake=lambda: data_lake(settings.data_lake_bucket_name),
        event_details=lambda: FileStore(settings.event_details_bucket_name) if settings.event_details_bucket_name else None,
    )


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict, context: LambdaContext) -> dict:
    done = deletion_service().sweep(utc_now(), keep_going=lambda: context.get_remaining_time_in_millis() > RESERVE_MS)
    logger.info("Retention sweep", extra=done)
    metrics.add_metric(name="CasesDeletedByRetention", unit="Count", value=done["deleted"])
    return done


init_done()  # the end of this function's init: the garbage collector resumes (casetrail/handlers/__init__.py)
