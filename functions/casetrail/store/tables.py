"""The DynamoDB tables Casetrail needs, described once.

The CDK stack (infra/) and the local runner (local/) both build their tables from these specs, so
the deployed and the emulated schema cannot drift apart. Item key formats live in store/keys.py.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class IndexSpec:
    name: str
    partition_key: str
    sort_key: str


@dataclass(frozen=True)
class TableSpec:
    logical_id: str
    env_var: str  # the Lambda environment variable that carries the physical table name
    partition_key: str
    sort_key: str | None = None
    indexes: tuple[IndexSpec, ...] = field(default_factory=tuple)
    stream: bool = False  # NEW_IMAGE stream, consumed by the event publisher
    ttl_attribute: str | None = None


def _newest_first_index(name: str) -> IndexSpec:
    # Every list index sorts by "<createdAt>#<id>", so a descending query is newest first.
    return IndexSpec(name=name, partition_key=f"{name}pk", sort_key=f"{name}sk")


# Cases, their audit records (which double as the transactional outbox of events) and the
# per-tenant reference-number counters. Every partition key starts with the tenant.
CASES_TABLE = TableSpec(
    logical_id="Cases",
    env_var="CASES_TABLE_NAME",
    partition_key="pk",
    sort_key="sk",
    indexes=(
        _newest_first_index("byTenant"),
        _newest_first_index("byCustomer"),
        _newest_first_index("byStatus"),
        _newest_first_index("byAssignee"),
        _newest_first_index("byQueue"),
        _newest_first_index("byTimelineType"),  # sparse: timeline items only
        # Search (GET /cases): by template, category and priority, newest first; and the tenant's
        # and an assignee's cases by last change (their sort key is "<updatedAt>#<id>").
        _newest_first_index("byTemplate"),
        _newest_first_index("byCategory"),
        _newest_first_index("byPriority"),
        _newest_first_index("byUpdated"),
        _newest_first_index("byAssigneeUpdated"),
        # The SLA sweeper's: sparse, only cases with an active SLA target, soonest breach first.
        IndexSpec(name="slaDue", partition_key="slaDuepk", sort_key="slaDuesk"),
        # The retention sweeper's: sparse, only closed cases, per tenant, oldest closing first.
        IndexSpec(name="closedAt", partition_key="closedAtpk", sort_key="closedAtsk"),
    ),
    stream=True,
)

# Tenants and their principals' API keys (stored as SHA-256 hashes only).
ACCESS_TABLE = TableSpec(
    logical_id="Access",
    env_var="ACCESS_TABLE_NAME",
    partition_key="pk",
    sort_key="sk",
)

# Powertools Idempotency's persistence layer (its default attribute names).
IDEMPOTENCY_TABLE = TableSpec(
    logical_id="Idempotency",
    env_var="IDEMPOTENCY_TABLE_NAME",
    partition_key="id",
    ttl_attribute="expiration",
)

# Notification subscriptions per tenant, and one delivery record per (event, subscription) that
# makes a redelivered event notify nobody twice (expired by TTL once no redelivery can come).
NOTIFICATIONS_TABLE = TableSpec(
    logical_id="Notifications",
    env_var="NOTIFICATIONS_TABLE_NAME",
    partition_key="pk",
    sort_key="sk",
    ttl_attribute="expiresAt",
)

# Billing: one usage record per metered case (or task), each tenant's monthly counters and its
# own pricing, when it has one. Partitioned by tenant and month: a month's bill is one partition.
USAGE_TABLE = TableSpec(
    logical_id="Usage",
    env_var="USAGE_TABLE_NAME",
    partition_key="pk",
    sort_key="sk",
)

# Tasks and the audit records of standalone tasks (a linked task's audit is its case's). Indexes:
# an agent's and a queue's tasks by status, due time first; a case's tasks, active first; and the
# overdue sweeper's index of due times, sparse: only active, not yet flagged tasks carry its keys.
TASKS_TABLE = TableSpec(
    logical_id="Tasks",
    env_var="TASKS_TABLE_NAME",
    partition_key="pk",
    sort_key="sk",
    indexes=(
        IndexSpec(name="byAssignee", partition_key="byAssigneepk", sort_key="byAssigneesk"),
        IndexSpec(name="byQueue", partition_key="byQueuepk", sort_key="byQueuesk"),
        IndexSpec(name="byCase", partition_key="byCasepk", sort_key="byCasesk"),
        IndexSpec(name="dueOpen", partition_key="dueOpenpk", sort_key="dueOpensk"),
    ),
    stream=True,
)

# Key metrics: per tenant and dimension (day, template, queue, category), one counters item per
# day and group value, plus "current" gauges; each case's metric facts; one marker per consumed
# event (expired once no redelivery can come).
METRICS_TABLE = TableSpec(
    logical_id="Metrics",
    env_var="METRICS_TABLE_NAME",
    partition_key="pk",
    sort_key="sk",
    ttl_attribute="expiresAt",
)

# People who sign in (Cognito users), per tenant: one partition per tenant, one item per user,
# written by the admin commands; read by the authorizer (is this user still active?) and the API.
USERS_TABLE = TableSpec(
    logical_id="Users",
    env_var="USERS_TABLE_NAME",
    partition_key="pk",
    sort_key="sk",
)

# Deletion and erasure: the marker of each deleted case (every event consumer looks it up), customer
# erasure jobs, deletions under way and tenants' retention periods. Holds ids and counts, nothing personal.
ERASURE_TABLE = TableSpec(
    logical_id="Erasure",
    env_var="ERASURE_TABLE_NAME",
    partition_key="pk",
    sort_key="sk",
)

ALL_TABLES: tuple[TableSpec, ...] = (
    CASES_TABLE,
    ACCESS_TABLE,
    USERS_TABLE,
    IDEMPOTENCY_TABLE,
    NOTIFICATIONS_TABLE,
    USAGE_TABLE,
    TASKS_TABLE,
    METRICS_TABLE,
    ERASURE_TABLE,
)
