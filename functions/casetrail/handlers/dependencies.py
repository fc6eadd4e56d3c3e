"""What every route needs: the calling principal and the services, injected with Depends()."""

from functools import cache
from typing import TYPE_CHECKING, Annotated

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Depends

from casetrail.cors import cors_config
from casetrail.domain.errors import Unauthenticated
from casetrail.domain.identity import Principal
from casetrail.handlers import request_body
from casetrail.service.billing import BillingService, PriceList
from casetrail.service.case_search import CaseFinder
from casetrail.service.cases import CaseService
from casetrail.service.customers import CustomerService
from casetrail.service.related_items import FileLimits, RelatedItemService
from casetrail.service.rules import RuleService
from casetrail.service.sla_policies import SlaPolicyReader
from casetrail.service.case_closure import CaseClosure
from casetrail.service.task_templates import TaskTemplateService
from casetrail.service.metrics import MetricsService
from casetrail.service.tasks import TaskService
from casetrail.service.watchers import WatcherService
from casetrail.search.engines import search_index
from casetrail.settings import get_settings
from casetrail.store.cases import CaseRepository
from casetrail.store.customers import CustomerRepository
from casetrail.store.dynamo import Table
from casetrail.store.files import FileStore
from casetrail.store.metrics import MetricsRepository
from casetrail.store.rules import RuleRepository
from casetrail.store.sla_calendars import SlaCalendarRepository
from casetrail.store.timeline import TimelineRepository
from casetrail.store.usage import UsageRepository
from casetrail.store.watchers import WatcherRepository
from casetrail.store.task_templates import TaskTemplateRepository
from casetrail.store.tasks import TaskRepository
from casetrail.store.templates import DefinitionRepository
from casetrail.store.users import UserRepository
from casetrail.service.users import UserDirectory
from casetrail.service.templates import TemplateService

if TYPE_CHECKING:
    from casetrail.service.bulk_changes import BulkChangeService
    from casetrail.service.mentions import MentionService
    from casetrail.service.user_channels import UserChannels  # noqa: F401  (a string annotation)
    from casetrail.service.erasure import DeletionService

app = APIGatewayRestResolver(
    enable_validation=True, json_body_deserializer=request_body.loads, cors=cors_config(get_settings().allowed_origins)
)


def current_principal() -> Principal:
    """The principal the authorizer resolved. The tenant comes from here and nowhere else."""
    context = (app.current_event.raw_event.get("requestContext") or {}).get("authorizer") or {}
    try:
        return Principal.from_authorizer_context(context)
    except (KeyError, ValueError) as error:
        # Unreachable behind API Gateway (the authorizer runs first); a misconfigured route fails closed.
        raise Unauthenticated("no authenticated principal") from error



# A route parameter of this type is the calling principal (resolved by current_principal).
CurrentPrincipal = Annotated[Principal, Depends(current_principal)]

@cache
def cases_table() -> Table:
    return Table(get_settings().cases_table_name)


@cache
def case_repository() -> CaseRepository:
    return CaseRepository(cases_table())


@cache
def tasks_table() -> Table:
    return Table(get_settings().tasks_table_name)


@cache
def task_repository() -> TaskRepository:
    return TaskRepository(tasks_table())


@cache
def case_finder() -> CaseFinder:
    return CaseFinder(case_repository(), search_index)


@cache
def case_service() -> CaseService:
    return CaseService(
        case_repository(),
        CustomerRepository(cases_table()),
        closure=CaseClosure(task_repository()),
        users=user_directory(),
        finder=case_finder(),
    )


@cache
def customer_service() -> CustomerService:
    return CustomerService(CustomerRepository(cases_table()), case_finder())


@cache
def related_item_service() -> RelatedItemService:
    settings = get_settings()
    limits = FileLimits(max_bytes=settings.file_max_bytes, content_types=settings.file_content_types)
    return RelatedItemService(
        case_repository(),
        TimelineRepository(cases_table()),
        lambda: FileStore(settings.files_bucket_name),
        limits,
        mentions=mention_service(),
    )


@cache
def user_repository() -> UserRepository:
    return UserRepository(Table(get_settings().users_table_name))


def user_channels() -> "UserChannels":
    from casetrail.handlers.notification_wiring import user_channels

    return user_channels()


@cache
def mention_service() -> "MentionService":
    from casetrail.service.mentions import MentionService

    return MentionService(user_repository(), WatcherRepository(cases_table()), user_channels)


@cache
def billing_service() -> BillingService:
    settings = get_settings()
    usage = UsageRepository(Table(settings.usage_table_name))
    return BillingService(usage, case_finder(), PriceList(usage, settings.default_pricing()))


@cache
def task_service() -> TaskService:
    return TaskService(
        task_repository(), case_repository(), templates=TaskTemplateRepository(tasks_table()), users=user_directory()
    )


@cache
def user_directory() -> UserDirectory:
    return UserDirectory(user_repository())


@cache
def task_template_service() -> TaskTemplateService:
    return TaskTemplateService(TaskTemplateRepository(tasks_table()))


@cache
def metrics_service() -> MetricsService:
    return MetricsService(MetricsRepository(Table(get_settings().metrics_table_name)))


@cache
def template_service() -> TemplateService:
    return TemplateService(DefinitionRepository(cases_table()))


@cache
def sla_policy_reader() -> SlaPolicyReader:
    return SlaPolicyReader(get_settings().sla_configuration, SlaCalendarRepository(cases_table()))


@cache
def rule_service() -> RuleService:
    return RuleService(RuleRepository(cases_table()), user_directory())


@cache
def watcher_service() -> WatcherService:
    return WatcherService(case_repository(), WatcherRepository(cases_table()), users=user_repository(), channels=user_channels)


@cache
def bulk_change_service() -> "BulkChangeService":
    from casetrail.service.bulk_changes import BulkChangeService
    from casetrail.store.bulk_jobs import BulkJobRepository

    return BulkChangeService(
        BulkJobRepository(cases_table()), case_service(), task_service(), time_left=lambda: app.lambda_context.get_remaining_time_in_millis()
    )


# A request stops deleting this long before its time runs out, to store its progress and answer.
_DELETION_RESERVE_MS = 3000


def keep_going():
    context = app.lambda_context
    return lambda: context.get_remaining_time_in_millis() > _DELETION_RESERVE_MS


@cache
def deletion_service() -> "DeletionService":
    from casetrail.service.erasure import DeletionService, data_lake
    from casetrail.store.erasure import ErasureRepository

    settings = get_settings()
    repository = ErasureRepository(cases_table(), tasks_table(), Table(settings.erasure_table_name), settings.idempotency_table_name)
    return DeletionService(
        repository,
        lambda: FileStore(settings.files_bucket_name),
        lake=lambda: data_lake(settings.data_lake_bucket_name),
        event_details=lambda: FileStore(settings.event_details_bucket_name) if settings.event_details_bucket_name else None,
    )
