"""Runtime configuration, read from the environment once and validated at start.

The price list and the SLA policies are parsed into their models on first use, by the functions
that use them: the others (the stream publisher above all) never load those domain models. The
stack validates both at synth (configuration.py), so a deployed value is known good.
"""

import json
import os
from functools import cache, cached_property
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from casetrail.store.tables import (
    ACCESS_TABLE,
    ERASURE_TABLE,
    USERS_TABLE,
    CASES_TABLE,
    IDEMPOTENCY_TABLE,
    METRICS_TABLE,
    NOTIFICATIONS_TABLE,
    TASKS_TABLE,
    USAGE_TABLE,
)
from casetrail.deployment_names import (
    DATA_LAKE_BUCKET_ENV_VAR,
    ALLOW_LOOPBACK_WEBHOOKS_ENV_VAR,
    ALLOWED_ORIGINS_ENV_VAR,
    BILLING_PRICING_ENV_VAR,
    CASE_LINK_BASE_URL_ENV_VAR,
    CONNECT_INSTANCES_ENV_VAR,
    DEFAULT_FCR_REOPEN_DAYS,
    EVENT_BUS_ENV_VAR,
    EVENT_DETAILS_BUCKET_ENV_VAR,
    FCR_REOPEN_DAYS_ENV_VAR,
    FILE_CONTENT_TYPES_ENV_VAR,
    FILE_MAX_BYTES_ENV_VAR,
    FILES_BUCKET_ENV_VAR,
    NOTIFICATION_TOPIC_ENV_VAR,
    SIGNING_KEY_ENV_VAR,
    SEARCH_DATABASE_ENV_VAR,
    SEARCH_ENDPOINT_ENV_VAR,
    SLA_CONFIGURATION_ENV_VAR,
    USER_POOL_CLIENT_ID_ENV_VAR,
    USER_POOL_ID_ENV_VAR,
    USER_POOL_JWKS_URL_ENV_VAR,
)

if TYPE_CHECKING:
    from casetrail.domain.billing import Pricing
    from casetrail.domain.slas import SlaConfiguration

# What a file related item may be unless the deployment says otherwise.
DEFAULT_FILE_MAX_BYTES = 25 * 1024 * 1024
DEFAULT_FILE_CONTENT_TYPES = "application/pdf,image/png,image/jpeg,image/gif,text/plain,text/csv,audio/wav,audio/mpeg"


class Settings(BaseModel):
    # Each function is given only the names it needs (least privilege), so all are optional here
    # and the component that uses one fails loudly at start when it is missing.
    cases_table_name: str | None = None
    access_table_name: str | None = None
    idempotency_table_name: str | None = None
    event_bus_name: str | None = None
    event_details_bucket_name: str | None = None  # the publisher's claim checks
    notifications_table_name: str | None = None
    notification_topic_arn: str | None = None
    signing_key_id: str | None = None
    case_link_base_url: str | None = None
    # Only the local runner sets it: deployed, a webhook never reaches a loopback address.
    allow_loopback_webhooks: bool = False
    usage_table_name: str | None = None
    billing_pricing: str | None = None  # the default price list, JSON (from cdk.json's context)

    def default_pricing(self) -> "Pricing":
        if self.billing_pricing is None:
            raise RuntimeError(f"{BILLING_PRICING_ENV_VAR} is not set: billing needs the default price list")
        from casetrail.domain.billing import Pricing  # on first use: see the module's docstring

        return Pricing.model_validate_json(self.billing_pricing)

    files_bucket_name: str | None = None
    file_max_bytes: int = DEFAULT_FILE_MAX_BYTES
    file_content_types: frozenset[str] = frozenset(DEFAULT_FILE_CONTENT_TYPES.split(","))
    tasks_table_name: str | None = None
    # Which tenant each Amazon Connect instance (its ARN) belongs to; an instance not here is refused.
    connect_instances: dict[str, str] = {}
    metrics_table_name: str | None = None
    fcr_reopen_days: int = Field(default=DEFAULT_FCR_REOPEN_DAYS, ge=0)
    # SLA policies and the business calendar (cdk.json's "casetrail:slaPolicies"), JSON; none when unset.
    sla_policies: str | None = None

    @cached_property
    def sla_configuration(self) -> "SlaConfiguration":
        from casetrail.domain.slas import SlaConfiguration  # on first use: see the module's docstring

        return SlaConfiguration.model_validate_json(self.sla_policies) if self.sla_policies else SlaConfiguration()
    users_table_name: str | None = None
    # The user pool whose ID tokens the authorizer accepts; no pool, no user tokens.
    user_pool_id: str | None = None
    user_pool_client_id: str | None = None
    user_pool_jwks_url: str | None = None
    # Browser origins allowed to call the API (CORS); none: browsers cannot.
    allowed_origins: list[str] = []
    # Case search: an OpenSearch endpoint (deployed), else a SQLite database (`make run`; tests: memory).
    search_endpoint: str | None = None
    search_database: str = ":memory:"
    # Deletion and erasure: markers, jobs, retention periods; and the data lake a customer's
    # erasure rewrites (unset, e.g. in `make run`: there is no lake to rewrite).
    erasure_table_name: str | None = None
    data_lake_bucket_name: str | None = None


@cache
def get_settings() -> Settings:
    return Settings(
        cases_table_name=os.environ.get(CASES_TABLE.env_var),
        access_table_name=os.environ.get(ACCESS_TABLE.env_var),
        idempotency_table_name=os.environ.get(IDEMPOTENCY_TABLE.env_var),
        event_bus_name=os.environ.get(EVENT_BUS_ENV_VAR),
        event_details_bucket_name=os.environ.get(EVENT_DETAILS_BUCKET_ENV_VAR),
        notifications_table_name=os.environ.get(NOTIFICATIONS_TABLE.env_var),
        notification_topic_arn=os.environ.get(NOTIFICATION_TOPIC_ENV_VAR),
        signing_key_id=os.environ.get(SIGNING_KEY_ENV_VAR),
        case_link_base_url=os.environ.get(CASE_LINK_BASE_URL_ENV_VAR),
        allow_loopback_webhooks=os.environ.get(ALLOW_LOOPBACK_WEBHOOKS_ENV_VAR, "").lower() == "true",
        usage_table_name=os.environ.get(USAGE_TABLE.env_var),
        billing_pricing=os.environ.get(BILLING_PRICING_ENV_VAR) or None,
        files_bucket_name=os.environ.get(FILES_BUCKET_ENV_VAR),
        file_max_bytes=int(os.environ.get(FILE_MAX_BYTES_ENV_VAR, DEFAULT_FILE_MAX_BYTES)),
        file_content_types=frozenset(os.environ.get(FILE_CONTENT_TYPES_ENV_VAR, DEFAULT_FILE_CONTENT_TYPES).split(",")),
        tasks_table_name=os.environ.get(TASKS_TABLE.env_var),
        connect_instances=_json(os.environ.get(CONNECT_INSTANCES_ENV_VAR)) or {},
        metrics_table_name=os.environ.get(METRICS_TABLE.env_var),
        fcr_reopen_days=int(os.environ.get(FCR_REOPEN_DAYS_ENV_VAR) or DEFAULT_FCR_REOPEN_DAYS),
        sla_policies=os.environ.get(SLA_CONFIGURATION_ENV_VAR) or None,
        users_table_name=os.environ.get(USERS_TABLE.env_var),
        user_pool_id=os.environ.get(USER_POOL_ID_ENV_VAR) or None,
        user_pool_client_id=os.environ.get(USER_POOL_CLIENT_ID_ENV_VAR) or None,
        user_pool_jwks_url=os.environ.get(USER_POOL_JWKS_URL_ENV_VAR) or None,
        allowed_origins=_json(os.environ.get(ALLOWED_ORIGINS_ENV_VAR)) or [],
        search_endpoint=os.environ.get(SEARCH_ENDPOINT_ENV_VAR) or None,
        search_database=os.environ.get(SEARCH_DATABASE_ENV_VAR) or ":memory:",
        erasure_table_name=os.environ.get(ERASURE_TABLE.env_var),
        data_lake_bucket_name=os.environ.get(DATA_LAKE_BUCKET_ENV_VAR) or None,
    )


def _json(value: str | None) -> dict | None:
    return json.loads(value) if value else None
