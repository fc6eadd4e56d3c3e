"""The HTTP API function: one Powertools resolver serving every route."""

from functools import cache

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from casetrail.handlers import init_done
from casetrail.docs import openapi_settings
from casetrail.handlers.dependencies import app
from casetrail.handlers.errors import register_error_handlers
from casetrail.handlers.idempotency import config as idempotency_config
from casetrail.handlers.request_body import screen
from casetrail.handlers.routes import (
    bulk,
    case_families,
    cases,
    erasure,
    customers,
    rules,
    sla_policies,
    subscriptions,
    task_templates,
    tasks,
    templates,
    timeline,
    usage,
    users,
    watchers,
)
from casetrail.handlers.routes import metrics as metrics_routes
from casetrail.observability import logger, metrics, tracer
from casetrail.deployment_names import DOCS_PATH

app.include_router(bulk.router)  # before cases and tasks: /cases/bulk is no case id
app.include_router(erasure.router)
app.include_router(cases.router)
app.include_router(case_families.router)
app.include_router(customers.router)
app.include_router(timeline.router)
app.include_router(subscriptions.router)
app.include_router(usage.router)
app.include_router(tasks.router)
app.include_router(task_templates.router)
app.include_router(metrics_routes.router)
app.include_router(templates.router)
app.include_router(rules.router)
app.include_router(sla_policies.router)
app.include_router(users.router)
app.include_router(watchers.router)
register_error_handlers(app)


@cache
def _enable_swagger_ui() -> None:
    """Swagger UI 5 (it reads OpenAPI 3.1) as bundled in Powertools: served by the function itself,
    inlined in the page, so it needs no CDN and works offline and deployed alike. Registered on the
    first request for it: enable_swagger imports Powertools' OpenAPI models (~90 ms of every cold
    start otherwise), which no other request needs."""
    app.enable_swagger(path=DOCS_PATH, **openapi_settings())


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict, context: LambdaContext) -> dict:
    idempotency_config.register_lambda_context(context)
    refused = screen(event)
    if refused is not None:
        return refused
    if event.get("path") == DOCS_PATH:
        _enable_swagger_ui()
    return app.resolve(event, context)


init_done()  # the end of this function's init: the garbage collector resumes (casetrail/handlers/__init__.py)
