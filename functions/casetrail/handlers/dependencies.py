"""What every route needs: the calling principal and the services, injected with Depends()."""

from functools import cache

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from casetrail.domain.errors import Unauthenticated
from casetrail.domain.identity import Principal
from casetrail.service.billing import BillingService, PriceList
from casetrail.service.cases import CaseService
from casetrail.settings import get_settings
from casetrail.store.cases import CaseRepository
from casetrail.store.dynamo import Table
from casetrail.store.usage import UsageRepository

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
def case_service() -> CaseService:
    return CaseService(CaseRepository(Table(get_settings().cases_table_name)))


@cache
def billing_service() -> BillingService:
    settings = get_settings()
    usage = UsageRepository(Table(settings.usage_table_name))
    cases = CaseRepository(Table(settings.cases_table_name))
    return BillingService(usage, cases, PriceList(usage, settings.default_pricing()))
