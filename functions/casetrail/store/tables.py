"""The DynamoDB tables Casetrail needs, described once.

The CDK stack (infra/) and the local runner (local/) both build their tables from these specs, so
the deployed and the emulated schema cannot drift apart. Item key formats live in store/keys.py.
"""

from dataclasses import dataclass, field


# What an index copies from its items (issue #13: an index write costs 1 unit per KB of the copy,
# and an ALL copy changes on every write of the item). KEYS_ONLY: the table's and the index's keys
# only, so the entry changes only when its own keys move; a page is then one Query of the index plus
# one BatchGetItem of that page's items (Table.query_items_page).
PROJECT_ALL = "ALL"
PROJECT_KEYS_ONLY = "KEYS_ONLY"


@dataclass(frozen=True)
class IndexSpec:
    name: str
    partition_key: str
    sort_key: str
    projection: str = PROJECT_ALL


@dataclass(frozen=True)
class TableSpec:
    logical_id: str
    env_var: str  # the Lambda environment variable that carries the physical table name
    partition_key: str
    sort_key: str | None = None
    indexes: tuple[IndexSpec, ...] = field(default_factory=tuple)
    stream: bool = False  # NEW_IMAGE stream, consumed by the event publisher
    ttl_attribute: str | None = None


# The sort key the case list indexes ordered by creation share ("<createdAt>#<id>"), and the
# partition key an agent's two lists share: one attribute instead of one per index keeps a case
# item, written on every change, under the next KB of write units more often.
CASE_CREATED_SORT_KEY = "createdsk"

# The cases table's indexes. An index is never redefined under its name: CloudFormation cannot
# change a deployed index's key schema or projection, so a changed index is a new name (the next
# version: byCustomer -> byCustomerV2), created beside the old one and the old one deleted later,
# one index per stack update (store/case_indexes.py holds the previous release's indexes and the
# deployments between; README "Upgrading the cases table's indexes"). Every list index sorts by
# "<createdAt>#<id>" (or "<updatedAt>#<id>"), so a descending query is newest first. The indexes of
# the documented request paths are KEYS_ONLY (see PROJECT_KEYS_ONLY).
CASES_BY_CUSTOMER = IndexSpec("byCustomerV2", "byCustomerpk", CASE_CREATED_SORT_KEY, PROJECT_KEYS_ONLY)
CASES_BY_ASSIGNEE = IndexSpec("byAssigneeV2", "byAssigneepk", CASE_CREATED_SORT_KEY, PROJECT_KEYS_ONLY)
CASES_BY_QUEUE = IndexSpec("byQueueV2", "byQueuepk", CASE_CREATED_SORT_KEY, PROJECT_KEYS_ONLY)
# Sparse: timeline items only (GET .../timeline?type=).
TIMELINE_BY_TYPE = IndexSpec("byTimelineTypeV2", "byTimelineTypepk", "byTimelineTypesk", PROJECT_KEYS_ONLY)
# An assignee's cases by last change (sort key "<updatedAt>#<id>"). Every other GET /cases pattern
# (status, priority, template, category, tags, combinations, free text, the whole tenant) is served
# by the search engine (casetrail/search/), fed from the event stream.
CASES_BY_ASSIGNEE_UPDATED = IndexSpec("byAssigneeUpdatedV2", "byAssigneepk", "byAssigneeUpdatedsk", PROJECT_KEYS_ONLY)
# The SLA sweeper's: sparse, only cases with an active SLA target, soonest breach first.
CASES_SLA_DUE = IndexSpec("slaDueV2", "slaDuepk", "slaDuesk", PROJECT_KEYS_ONLY)
# The retention sweeper's: sparse, only closed cases, per tenant, oldest closing first.
CLOSED_CASES = IndexSpec("closedAt", "closedAtpk", "closedAtsk", PROJECT_KEYS_ONLY)

# Cases, their audit records (which double as the transactional outbox of events) and the
# per-tenant reference-number counters. Every partition key starts with the tenant. A case item
# carries the keys of exactly the indexes declared here (store/cases.py reads this spec).
CASES_TABLE = TableSpec(
    logical_id="Cases",
    env_var="CASES_TABLE_NAME",
    partition_key="pk",
    sort_key="sk",
    # In this order an upgrade creates them (store/case_indexes.py): those no previous index can stand
    # in for first (a customer's erasure and contact flows, the retention sweeper, then the lists).
    indexes=(CASES_BY_CUSTOMER, CLOSED_CASES, CASES_BY_ASSIGNEE, CASES_BY_QUEUE, CASES_BY_ASSIGNEE_UPDATED, TIMELINE_BY_TYPE, CASES_SLA_DUE),
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
