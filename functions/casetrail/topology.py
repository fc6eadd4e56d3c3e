"""The deployable pieces of Casetrail and how events flow between them, described once.

infra/ turns this into Lambda functions, rules and queues; local/ runs the same handlers against
moto with the same routing, so a consumer added here exists in both places.
"""

from dataclasses import dataclass

from casetrail.domain.metrics import METRIC_EVENT_TYPES
from casetrail.domain.rules import TRIGGER_BY_EVENT_TYPE
from casetrail.domain.sla_tracking import SLA_INPUT_EVENT_TYPES
from casetrail.domain.subscriptions import SOURCE_EVENT_TYPES
from casetrail.store.tables import (
    ACCESS_TABLE,
    CASES_TABLE,
    ERASURE_TABLE,
    IDEMPOTENCY_TABLE,
    METRICS_TABLE,
    NOTIFICATIONS_TABLE,
    TASKS_TABLE,
    USAGE_TABLE,
    TableSpec,
)

EVENT_BUS_ENV_VAR = "EVENT_BUS_NAME"
# The default price list (JSON of domain.billing.Pricing), from cdk.json's "casetrail:billingPricing".
BILLING_PRICING_ENV_VAR = "BILLING_PRICING"
# The bucket of file related items, and the limits presigned uploads enforce (optional).
FILES_BUCKET_ENV_VAR = "FILES_BUCKET_NAME"
FILE_MAX_BYTES_ENV_VAR = "FILE_MAX_BYTES"
FILE_CONTENT_TYPES_ENV_VAR = "FILE_CONTENT_TYPES"
# Where the publisher keeps the full detail of an event too large for the bus (claim check).
EVENT_DETAILS_BUCKET_ENV_VAR = "EVENT_DETAILS_BUCKET_NAME"
# The data lake's bucket: a customer's erasure rewrites the objects of its partition.
DATA_LAKE_BUCKET_ENV_VAR = "DATA_LAKE_BUCKET_NAME"
EVENT_SOURCE = "casetrail"
EVENT_DETAIL_TYPE = "Casetrail Case Change"
# Notifications: the email topic, the KMS key that encrypts webhook signing secrets, the base URL
# of case links, and the local-only switch that lets webhooks reach http://127.0.0.1.
NOTIFICATION_TOPIC_ENV_VAR = "NOTIFICATION_TOPIC_ARN"
SIGNING_KEY_ENV_VAR = "SIGNING_KEY_ID"
# The API's documentation (Swagger UI, and the OpenAPI document at ?format=json): the one path that
# needs no API key, so a browser can open it.
DOCS_PATH = "/docs"
# The Secrets Manager secret whose value signs page tokens (store/page_tokens.py).
PAGE_TOKEN_SECRET_ENV_VAR = "PAGE_TOKEN_SECRET_ARN"
CASE_LINK_BASE_URL_ENV_VAR = "CASE_LINK_BASE_URL"
ALLOW_LOOPBACK_WEBHOOKS_ENV_VAR = "ALLOW_LOOPBACK_WEBHOOKS"
# Amazon Connect: JSON {instanceArn: tenantId}, from CDK context "connectInstances".
CONNECT_INSTANCES_ENV_VAR = "CONNECT_INSTANCES"
# First-contact resolution: a resolution reopened within this many days is not one (cdk.json's
# "casetrail:fcrReopenDays"; 7 when unset).
FCR_REOPEN_DAYS_ENV_VAR = "FCR_REOPEN_DAYS"
# SLA policies and the business calendar: JSON of domain.slas.SlaConfiguration, from cdk.json's
# "casetrail:slaPolicies".
SLA_CONFIGURATION_ENV_VAR = "SLA_CONFIGURATION"

# People sign in with a Cognito user pool: the authorizer verifies their ID tokens against the pool's
# app client and its JWKS (deployed: the issuer's own; locally: moto's, which only the runner sets).
USER_POOL_ID_ENV_VAR = "USER_POOL_ID"
USER_POOL_CLIENT_ID_ENV_VAR = "USER_POOL_CLIENT_ID"
USER_POOL_JWKS_URL_ENV_VAR = "USER_POOL_JWKS_URL"
# The browser origins (the workspace's) allowed to call the API: JSON list, from cdk.json's
# "casetrail:allowedOrigins".
ALLOWED_ORIGINS_ENV_VAR = "ALLOWED_ORIGINS"

API_HANDLER = "casetrail.handlers.api.handler"
AUTHORIZER_HANDLER = "casetrail.handlers.authorizer.handler"
STREAM_PUBLISHER_HANDLER = "casetrail.handlers.stream_publisher.handler"
NOTIFICATION_CONSUMER_HANDLER = "casetrail.handlers.notification_consumer.handler"


@dataclass(frozen=True)
class EventConsumer:
    """A function fed by an EventBridge rule through an SQS queue (with a DLQ)."""

    logical_id: str
    handler: str
    description: str
    event_types: tuple[str, ...] = ()  # detail.eventType values it wants; empty means all
    reads: tuple[TableSpec, ...] = ()  # tables it may read (the stack grants read, sets the env var)
    writes: tuple[TableSpec, ...] = ()  # tables it may read and write (put, update)
    deletes: tuple[TableSpec, ...] = ()  # of its writes, those whose items it also deletes
    sends_notifications: bool = False  # may publish to the notification topic and decrypt signing secrets
    configuration: tuple[str, ...] = ()  # configuration env vars it needs (e.g. BILLING_PRICING)
    batch_size: int = 10  # queue messages per invocation

    def __post_init__(self):
        # Every consumer lets an event in only when its tenant exists and its case was not deleted
        # (service/event_intake.py).
        for gate in (ERASURE_TABLE, ACCESS_TABLE):
            if gate not in self.reads:
                object.__setattr__(self, "reads", (gate, *self.reads))

    def event_pattern(self) -> dict:
        pattern: dict = {"source": [EVENT_SOURCE], "detail-type": [EVENT_DETAIL_TYPE]}
        if self.event_types:
            pattern["detail"] = {"eventType": list(self.event_types)}
        return pattern


NOTIFICATIONS = EventConsumer(
    logical_id="Notifications",
    handler=NOTIFICATION_CONSUMER_HANDLER,
    description="Notifies subscribed supervisors of case events by email and signed webhooks",
    event_types=SOURCE_EVENT_TYPES,
    writes=(NOTIFICATIONS_TABLE,),
    deletes=(NOTIFICATIONS_TABLE,),  # a failed send releases its delivery claim
    sends_notifications=True,
    # One event per invocation: its deliveries run in parallel within the function's time, and no
    # event waits behind another event's slow receiver.
    batch_size=1,
)

BILLING = EventConsumer(
    logical_id="Billing",
    handler="casetrail.handlers.billing_consumer.handler",
    description="Meters each case (and, when priced, each task) once per tenant and month",
    event_types=("CASE.CREATED", "TASK.CREATED"),
    writes=(USAGE_TABLE,),
    configuration=(BILLING_PRICING_ENV_VAR,),
)

METRICS = EventConsumer(
    logical_id="Metrics",
    handler="casetrail.handlers.metrics_consumer.handler",
    description="Maintains each tenant's daily key-metric aggregates (GET /metrics reads them)",
    event_types=METRIC_EVENT_TYPES,
    writes=(METRICS_TABLE,),
    deletes=(METRICS_TABLE,),  # a deleted case's facts
    configuration=(FCR_REOPEN_DAYS_ENV_VAR,),
)

RULES = EventConsumer(
    logical_id="Rules",
    handler="casetrail.handlers.rules_consumer.handler",
    description="Applies the tenant's rules to case events (categorise, prioritise, route, task, notify)",
    event_types=tuple(TRIGGER_BY_EVENT_TYPE),
    # Rules live in the cases table; a rule's createTask writes the tasks table.
    writes=(CASES_TABLE, TASKS_TABLE),
)

SLAS = EventConsumer(
    logical_id="Slas",
    handler="casetrail.handlers.sla_consumer.handler",
    description="Assigns SLAs by policy and keeps their clocks (pause, resume, Met/NotMet) current",
    event_types=SLA_INPUT_EVENT_TYPES,
    writes=(CASES_TABLE,),
    configuration=(SLA_CONFIGURATION_ENV_VAR,),
)

# Consumers of the case event stream.
EVENT_CONSUMERS: tuple[EventConsumer, ...] = (NOTIFICATIONS, BILLING, METRICS, RULES, SLAS)


@dataclass(frozen=True)
class ScheduledFunction:
    """A function run on a fixed rate (an EventBridge schedule deployed; a timer in `make run`)."""

    logical_id: str
    handler: str
    description: str
    every_minutes: int = 1
    reads: tuple[TableSpec, ...] = ()
    writes: tuple[TableSpec, ...] = ()
    publishes_events: bool = False  # granted events:PutEvents on the bus, told its name
    deletes: tuple[TableSpec, ...] = ()  # of its writes, those whose items it also deletes
    removes_files: bool = False  # may remove file objects (every version) from the files bucket


OVERDUE_SWEEPER = ScheduledFunction(
    logical_id="OverdueSweeper",
    handler="casetrail.handlers.overdue_sweeper.handler",
    description="Flags tasks still open past their due time, once each (TASK.OVERDUE)",
    every_minutes=1,
    # Flagging a linked task writes its case's audit and timeline too.
    writes=(TASKS_TABLE, CASES_TABLE),
)

SLA_SWEEPER = ScheduledFunction(
    logical_id="SlaSweeper",
    handler="casetrail.handlers.sla_sweeper.handler",
    description="Flags SLAs past their target, once each (SLA.BREACHED)",
    every_minutes=1,
    writes=(CASES_TABLE,),
)

RETENTION_SWEEPER = ScheduledFunction(
    logical_id="RetentionSweeper",
    handler="casetrail.handlers.retention_sweeper.handler",
    description="Deletes cases closed longer ago than their tenant's retention period (CASE.DELETED)",
    every_minutes=60,
    # A case's deletion removes its items, its tasks, its idempotency records, and updates markers.
    writes=(CASES_TABLE, TASKS_TABLE, ERASURE_TABLE, IDEMPOTENCY_TABLE),
    deletes=(CASES_TABLE, TASKS_TABLE, ERASURE_TABLE, IDEMPOTENCY_TABLE),
    removes_files=True,
)

SCHEDULED_FUNCTIONS: tuple[ScheduledFunction, ...] = (OVERDUE_SWEEPER, SLA_SWEEPER, RETENTION_SWEEPER)


@dataclass(frozen=True)
class ContactFlowFunction:
    """A function Amazon Connect contact flows invoke (deployed with Connect's permission; in `make
    run`, POST /local/connect/<name>)."""

    name: str  # as in the local route and the sample flow's placeholder
    logical_id: str
    handler: str
    description: str
    reads: tuple[TableSpec, ...] = ()
    writes: tuple[TableSpec, ...] = ()
    deletes: tuple[TableSpec, ...] = ()  # of its writes, those whose items it also deletes


# Connect gives up on a function after 8 seconds: the function stops before it does.
CONTACT_FLOW_TIMEOUT_SECONDS = 7

CONTACT_FLOW_FUNCTIONS: tuple[ContactFlowFunction, ...] = (
    ContactFlowFunction(
        name="find-case",
        logical_id="FindCase",
        handler="casetrail.handlers.connect.find_case.handler",
        description="Contact flows: who is calling, and the status of their most recent open case",
        reads=(CASES_TABLE, TASKS_TABLE),
    ),
    ContactFlowFunction(
        name="create-case",
        logical_id="CreateCase",
        handler="casetrail.handlers.connect.create_case.handler",
        description="Contact flows: opens a case for the caller, once per contact",
        writes=(CASES_TABLE, IDEMPOTENCY_TABLE),
        deletes=(IDEMPOTENCY_TABLE,),  # Powertools Idempotency deletes its record when the call fails
    ),
    ContactFlowFunction(
        name="update-case",
        logical_id="UpdateCase",
        handler="casetrail.handlers.connect.update_case.handler",
        description="Contact flows: a caller's note, contact or status on their own case",
        reads=(TASKS_TABLE,),  # resolving checks the case's open tasks
        writes=(CASES_TABLE,),
    ),
    ContactFlowFunction(
        name="attach-contact",
        logical_id="AttachContact",
        handler="casetrail.handlers.connect.attach_contact.handler",
        description="Contact flows: puts the contact on the caller's open case and returns routing attributes",
        writes=(CASES_TABLE,),
    ),
)
