"""The deployable pieces of Casetrail and how events flow between them, described once.

infra/ turns this into Lambda functions, rules and queues; local/ runs the same handlers against
moto with the same routing, so a consumer added here exists in both places.
"""

from dataclasses import dataclass

from casetrail.domain.bulk_changes import BULK_JOB_PROGRESSED
from casetrail.deployment_names import (  # noqa: F401  (also imported from here)
    ALLOWED_ORIGINS_ENV_VAR,
    ALLOW_LOOPBACK_WEBHOOKS_ENV_VAR,
    BILLING_PRICING_ENV_VAR,
    CASE_LINK_BASE_URL_ENV_VAR,
    CONNECT_INSTANCES_ENV_VAR,
    DATA_LAKE_BUCKET_ENV_VAR,
    DOCS_PATH,
    EVENT_BUS_ENV_VAR,
    EVENT_DETAILS_BUCKET_ENV_VAR,
    EVENT_DETAIL_TYPE,
    EVENT_SOURCE,
    FCR_REOPEN_DAYS_ENV_VAR,
    FILES_BUCKET_ENV_VAR,
    FILE_CONTENT_TYPES_ENV_VAR,
    FILE_MAX_BYTES_ENV_VAR,
    NOTIFICATION_TOPIC_ENV_VAR,
    PAGE_TOKEN_SECRET_ENV_VAR,
    SIGNING_KEY_ENV_VAR,
    SEARCH_DATABASE_ENV_VAR,
    SEARCH_ENDPOINT_ENV_VAR,
    SLA_CONFIGURATION_ENV_VAR,
    USER_POOL_CLIENT_ID_ENV_VAR,
    USER_POOL_ID_ENV_VAR,
    USER_POOL_JWKS_URL_ENV_VAR,
)
from casetrail.domain.metrics import METRIC_EVENT_TYPES
from casetrail.domain.rules import TRIGGER_BY_EVENT_TYPE
from casetrail.domain.sla_tracking import SLA_INPUT_EVENT_TYPES
from casetrail.domain.subscriptions import SOURCE_EVENT_TYPES
from casetrail.domain.watching import WATCHED_EVENT_TYPES
from casetrail.search.event_types import INDEXED_EVENT_TYPES
from casetrail.store.tables import (
    ACCESS_TABLE,
    CASES_TABLE,
    ERASURE_TABLE,
    IDEMPOTENCY_TABLE,
    METRICS_TABLE,
    NOTIFICATIONS_TABLE,
    TASKS_TABLE,
    USAGE_TABLE,
    USERS_TABLE,
    TableSpec,
)

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
    reads_page_tokens: bool = False  # continues listings the API paged (told the page-token secret, may read it)
    configuration: tuple[str, ...] = ()  # configuration env vars it needs (e.g. BILLING_PRICING)
    batch_size: int = 10  # queue messages per invocation
    writes_search: bool = False  # writes the search collection (the API only reads it)
    reads_search: bool = False  # lists cases by filters the search collection serves

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
    description="Notifies subscribers (email, signed webhooks) and a case's watchers and mentioned users of case events",
    event_types=(*SOURCE_EVENT_TYPES, *sorted(WATCHED_EVENT_TYPES - set(SOURCE_EVENT_TYPES))),
    reads=(CASES_TABLE,),  # a case's watchers: one Query of its partition per event
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

SEARCH = EventConsumer(
    logical_id="Search",
    handler="casetrail.handlers.search_consumer.handler",
    description="Keeps the case search index (filters and free text of GET /cases) in step with case events",
    event_types=INDEXED_EVENT_TYPES,
    writes_search=True,
)

BULK_JOBS = EventConsumer(
    logical_id="BulkJobs",
    handler="casetrail.handlers.bulk_job_worker.handler",
    description="Runs bulk changes on part by part (BULK_JOB.PROGRESSED -> the next part), without the client",
    event_types=(BULK_JOB_PROGRESSED,),
    # Each item goes through the single-item update: the case or task, its audit and timeline, the
    # parent's roll-up, a resolution's cancelled tasks; assignees are checked against the users.
    reads=(USERS_TABLE,),
    writes=(CASES_TABLE, TASKS_TABLE),
    reads_page_tokens=True,  # a job's cursor is the index page token where its last part stopped
    reads_search=True,  # a job over a filter lists its cases as GET /cases does
    batch_size=1,  # one part (up to 100 items) per invocation, within the function's time
)

# Consumers of the case event stream.
EVENT_CONSUMERS: tuple[EventConsumer, ...] = (NOTIFICATIONS, BILLING, METRICS, RULES, SLAS, SEARCH, BULK_JOBS)


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
    # Flagging a linked task writes its case's audit and timeline too. The tenant directory
    # (access table) lists the tenants whose due partitions it reads.
    reads=(ACCESS_TABLE,),
    writes=(TASKS_TABLE, CASES_TABLE),
)

SLA_SWEEPER = ScheduledFunction(
    logical_id="SlaSweeper",
    handler="casetrail.handlers.sla_sweeper.handler",
    description="Flags SLAs past their target, once each (SLA.BREACHED)",
    every_minutes=1,
    reads=(ACCESS_TABLE,),  # the tenant directory
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

# Every Lambda function's handler setting, as infra/ deploys them (bench.imports measures each one's
# import; a template test keeps the list complete).
LAMBDA_HANDLERS: tuple[str, ...] = (
    API_HANDLER,
    AUTHORIZER_HANDLER,
    STREAM_PUBLISHER_HANDLER,
    *(consumer.handler for consumer in EVENT_CONSUMERS),
    *(scheduled.handler for scheduled in SCHEDULED_FUNCTIONS),
    *(contact_flow.handler for contact_flow in CONTACT_FLOW_FUNCTIONS),
)
