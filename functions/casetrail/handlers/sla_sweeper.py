"""Flags SLAs past their target, once each (SLA.BREACHED), every minute.

Invoked by an EventBridge schedule (deployed) or the local runner's timer; the event's content is
not used: "now" is the clock's. Safe to run twice or concurrently.
"""

from aws_lambda_powertools.utilities.typing import LambdaContext

from casetrail.handlers import init_done
from casetrail.handlers.sla_consumer import sla_service
from casetrail.observability import logger, metrics, tracer
from casetrail.settings import get_settings
from casetrail.store.access import AccessRepository
from casetrail.store.dynamo import Table


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict, context: LambdaContext) -> dict:
    tenants = AccessRepository(Table(get_settings().access_table_name)).tenant_ids()
    result = sla_service().flag_breaches(tenants)
    logger.info("SLA sweep", extra={"read": result.read, "flagged": result.flagged})
    metrics.add_metric(name="SlasBreached", unit="Count", value=result.flagged)
    return {"read": result.read, "flagged": result.flagged}


init_done()  # the end of this function's init: the garbage collector resumes (casetrail/handlers/__init__.py)
