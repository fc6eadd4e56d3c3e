"""What every route needs: the calling principal and the services, injected with Depends()."""

from functools import cache

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from casetrail.domain.errors import Unauthenticated
from casetrail.domain.identity import Principal
from casetrail.service.case_closure import CaseClosure
from casetrail.service.cases import CaseService
from casetrail.service.tasks import TaskService
from casetrail.settings import get_settings
from casetrail.store.cases import CaseRepository
from casetrail.store.dynamo import Table
from casetrail.store.tasks import TaskRepository

app = APIGatewayRestResolver(enable_validation=True)


def current_principal() -> Principal:
    """The principal the authorizer resolved. The tenant comes from here and nowhere else."""
    context = (app.current_event.raw_event.get("requestContext") or {}).get("authorizer") or {}
    try:
        return Principal.from_authorizer_context(context)
    except (KeyError, ValueError) as error:
        # Unreachable behind API Gateway (the authorizer runs first); a misconfigured route fails closed.
        raise Unauthenticated("no authenticated principal") from error


@cache
def case_repository() -> CaseRepository:
    return CaseRepository(Table(get_settings().cases_table_name))


@cache
def task_repository() -> TaskRepository:
    return TaskRepository(Table(get_settings().tasks_table_name))


@cache
def case_service() -> CaseService:
    return CaseService(case_repository(), closure=CaseClosure(task_repository()))


@cache
def task_service() -> TaskService:
    return TaskService(task_repository(), case_repository())
