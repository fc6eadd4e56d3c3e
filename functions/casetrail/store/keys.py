"""Every DynamoDB key format Casetrail uses, in one place.

Tenant data is always prefixed with the tenant (`T#<tenant>#...`), so no query can cross tenants.
The one exception is the API-key lookup item: the tenant is not known until the key is resolved.
"""

import zlib
from datetime import UTC, datetime

from casetrail.store.tables import CASES_BY_ASSIGNEE, CASES_BY_ASSIGNEE_UPDATED, CASES_BY_CUSTOMER, CASES_BY_QUEUE, CASES_SLA_DUE, CLOSED_CASES, TIMELINE_BY_TYPE

TENANT_PREFIX = "T#"


def tenant_item(tenant_id: str) -> dict[str, str]:
    return {"pk": f"{TENANT_PREFIX}{tenant_id}", "sk": "TENANT"}


# The directory of tenants: one item per tenant in one partition, written when a tenant is created,
# read only by the sweepers (which walk each tenant's due partitions). Outside any tenant's prefix,
# like the API-key lookup; it takes one write per tenant ever, so it is never a hot partition.
TENANT_DIRECTORY_PARTITION = "TENANTS"


def tenant_directory_item(tenant_id: str) -> dict[str, str]:
    return {"pk": TENANT_DIRECTORY_PARTITION, "sk": f"{TENANT_PREFIX}{tenant_id}"}


def migration_checkpoint_item(migration: str, step: str) -> dict[str, str]:
    # Where `casetrail-admin migrate` keeps each step's position (in the access table, operator-only).
    return {"pk": f"MIGRATION#{migration}", "sk": step}


def api_key_lookup_item(key_hash: str) -> dict[str, str]:
    return {"pk": f"APIKEY#{key_hash}", "sk": "APIKEY"}


def tenant_api_keys_partition(tenant_id: str) -> str:
    return f"{TENANT_PREFIX}{tenant_id}#APIKEYS"


def tenant_api_key_item(tenant_id: str, key_id: str) -> dict[str, str]:
    return {"pk": tenant_api_keys_partition(tenant_id), "sk": f"KEY#{key_id}"}


def tenant_users_partition(tenant_id: str) -> str:
    return f"{TENANT_PREFIX}{tenant_id}#USERS"


def user_item(tenant_id: str, user_id: str) -> dict[str, str]:
    return {"pk": tenant_users_partition(tenant_id), "sk": f"USER#{user_id}"}


def case_partition(tenant_id: str, case_id: str) -> str:
    return f"{TENANT_PREFIX}{tenant_id}#CASE#{case_id}"


def case_id_in(tenant_id: str, partition: str) -> str:
    """The case id of a case partition key (what a keys-only index entry carries)."""
    prefix = case_partition(tenant_id, "")
    if not partition.startswith(prefix):
        raise ValueError("not a case partition of this tenant")
    return partition[len(prefix) :]


def case_item(tenant_id: str, case_id: str) -> dict[str, str]:
    return {"pk": case_partition(tenant_id, case_id), "sk": "CASE"}


CASE_AUDIT_PREFIX = "AUDIT#"
CASE_AUDIT_END = f"{CASE_AUDIT_PREFIX}\uffff"  # above every audit record's sort key


def case_audit_item(tenant_id: str, case_id: str, case_version: int) -> dict[str, str]:
    # Zero-padded so the sort key orders audit records by case version.
    return {"pk": case_partition(tenant_id, case_id), "sk": f"{CASE_AUDIT_PREFIX}{case_version:010d}"}


def case_sla_audit_item(tenant_id: str, case_id: str, case_version: int, sla_revision: int) -> dict[str, str]:
    # An SLA change leaves the case's version as it is: its record sorts after the version it
    # was made on and before the next one, in the order of the SLA state's revisions.
    return {"pk": case_partition(tenant_id, case_id), "sk": f"{CASE_AUDIT_PREFIX}{case_version:010d}#SLA#{sla_revision:010d}"}


CASE_TIMELINE_PREFIX = "TIMELINE#"


def case_timeline_item(tenant_id: str, case_id: str, created_at: str, related_item_id: str) -> dict[str, str]:
    # The timeline lives in the case's partition, ordered by time: one query reads a page of it.
    return {"pk": case_partition(tenant_id, case_id), "sk": f"{CASE_TIMELINE_PREFIX}{created_at}#{related_item_id}"}


CASE_CHILD_PREFIX = "CHILD#"


def case_children_rollup_item(tenant_id: str, parent_case_id: str) -> dict[str, str]:
    # In the parent's partition: its children's counts by status, kept by each child's own
    # transaction (an item apart from the case, so a child's change never moves the parent's version).
    return {"pk": case_partition(tenant_id, parent_case_id), "sk": "CHILDREN"}


def case_child_item(tenant_id: str, parent_case_id: str, child_case_id: str) -> dict[str, str]:
    # One per child in the parent's partition: listing a parent's children is one query.
    return {"pk": case_partition(tenant_id, parent_case_id), "sk": f"{CASE_CHILD_PREFIX}{child_case_id}"}


CASE_WATCHER_PREFIX = "WATCHER#"


def case_watcher_item(tenant_id: str, case_id: str, principal_id: str) -> dict[str, str]:
    # In the case's partition: a case's watchers are one query, read with each of its events.
    return {"pk": case_partition(tenant_id, case_id), "sk": f"{CASE_WATCHER_PREFIX}{principal_id}"}


def customer_item(tenant_id: str, customer_id: str) -> dict[str, str]:
    return {"pk": f"{TENANT_PREFIX}{tenant_id}#CUSTOMER#{customer_id}", "sk": "CUSTOMER"}


def customer_phone_item(tenant_id: str, phone: str) -> dict[str, str]:
    # One lookup item per phone and per email: GET /customers?phone= is a key lookup, and a put
    # conditional on its absence keeps a phone or email to one customer of the tenant.
    return {"pk": f"{TENANT_PREFIX}{tenant_id}#CUSTOMER_PHONE#{phone}", "sk": "CUSTOMER_LOOKUP"}


def customer_email_item(tenant_id: str, email: str) -> dict[str, str]:
    return {"pk": f"{TENANT_PREFIX}{tenant_id}#CUSTOMER_EMAIL#{email.lower()}", "sk": "CUSTOMER_LOOKUP"}


def case_timeline_by_type(tenant_id: str, case_id: str, item_type: str, created_at: str, related_item_id: str) -> dict[str, str]:
    """The attributes that put a timeline item in the per-type index: GET .../timeline?type= is
    one query on the (case, type) partition, in the same time order as the timeline itself."""
    return {
        TIMELINE_BY_TYPE.partition_key: case_timeline_type_partition(tenant_id, case_id, item_type),
        TIMELINE_BY_TYPE.sort_key: f"{created_at}#{related_item_id}",
    }


def case_timeline_type_partition(tenant_id: str, case_id: str, item_type: str) -> str:
    return f"{case_partition(tenant_id, case_id)}#TYPE#{item_type}"


def related_item_pointer(tenant_id: str, case_id: str, related_item_id: str) -> dict[str, str]:
    # Finds a timeline item by its id alone (its sort key starts with its creation time).
    return {"pk": case_partition(tenant_id, case_id), "sk": f"RELATED#{related_item_id}"}


def contact_partition(tenant_id: str, contact_id: str) -> str:
    return f"{TENANT_PREFIX}{tenant_id}#CONTACT#{contact_id}"


def contact_case_link(tenant_id: str, contact_id: str, case_id: str, related_item_id: str) -> dict[str, str]:
    return {"pk": contact_partition(tenant_id, contact_id), "sk": f"CASE#{case_id}#{related_item_id}"}


def file_object_key(tenant_id: str, case_id: str, related_item_id: str) -> str:
    # The S3 object of a file item; the tenant first, as in every DynamoDB key.
    return f"{TENANT_PREFIX}{tenant_id}/cases/{case_id}/{related_item_id}"


def reference_item(tenant_id: str, reference_number: str) -> dict[str, str]:
    return {"pk": f"{TENANT_PREFIX}{tenant_id}#REF#{reference_number}", "sk": "REF"}


def reference_counter_item(tenant_id: str) -> dict[str, str]:
    return {"pk": f"{TENANT_PREFIX}{tenant_id}#COUNTERS", "sk": "REFERENCE"}


def newest_first_sort_key(created_at: str, item_id: str) -> str:
    return f"{created_at}#{item_id}"


def case_list_partitions(tenant_id: str, *, customer_id=None, assignee=None, queue=None):
    """The list-index partition of a case for each filter it can be found by (index name -> pk).
    The assignee's by-last-change index holds the assignee's partition sorted by last change.
    Status, priority, template and category are the search engine's (no index partition)."""
    base = f"{TENANT_PREFIX}{tenant_id}"
    partitions = {}
    if customer_id:
        partitions[CASES_BY_CUSTOMER.name] = f"{base}#CUSTOMER#{customer_id}"
    if assignee:
        partitions[CASES_BY_ASSIGNEE.name] = partitions[CASES_BY_ASSIGNEE_UPDATED.name] = f"{base}#ASSIGNEE#{assignee}"
    if queue:
        partitions[CASES_BY_QUEUE.name] = f"{base}#QUEUE#{queue}"
    return partitions


UPDATED_ORDER_INDEXES = frozenset({CASES_BY_ASSIGNEE_UPDATED.name})


def subscriptions_partition(tenant_id: str) -> str:
    return f"{TENANT_PREFIX}{tenant_id}#SUBSCRIPTIONS"


def subscription_item(tenant_id: str, subscription_id: str) -> dict[str, str]:
    # All of a tenant's subscriptions share one partition: the consumer reads them with one query.
    return {"pk": subscriptions_partition(tenant_id), "sk": f"SUB#{subscription_id}"}


def delivery_item(tenant_id: str, event_id: str, subscription_id: str) -> dict[str, str]:
    return {"pk": f"{TENANT_PREFIX}{tenant_id}#DELIVERY#{event_id}", "sk": f"SUB#{subscription_id}"}


def user_channel_item(tenant_id: str, user_id: str) -> dict[str, str]:
    # Marks that a user's email channel (their own SNS subscription) exists: created once.
    return {"pk": f"{TENANT_PREFIX}{tenant_id}#USER_CHANNEL#{user_id}", "sk": "EMAIL"}


def usage_month_partition(tenant_id: str, month: str) -> str:
    return f"{TENANT_PREFIX}{tenant_id}#USAGE#{month}"


USAGE_RECORD_PREFIX = "RECORD#"


def usage_record_item(tenant_id: str, month: str, created_at: str, kind: str, unit_id: str) -> dict[str, str]:
    # Sorted by creation time, so the records of a bill read in the order the cases were opened;
    # the unit's own id makes the key unique, and the same case always maps to the same key.
    return {"pk": usage_month_partition(tenant_id, month), "sk": f"{USAGE_RECORD_PREFIX}{created_at}#{kind}#{unit_id}"}


# A month's counter is summed over its shards (and the single item written before they existed):
# every metered unit adds to one shard, chosen by its event, so no one item takes every unit of
# a busy tenant (concurrent transactions on one item cancel each other), and one Query reads them.
USAGE_COUNTER_PREFIX = "COUNTERS"
USAGE_COUNTER_SHARDS = 16


def usage_counter_item(tenant_id: str, month: str, shard: int) -> dict[str, str]:
    return {"pk": usage_month_partition(tenant_id, month), "sk": f"{USAGE_COUNTER_PREFIX}#{shard:02d}"}


def counter_shard(event_id: str, shards: int) -> int:
    """The shard of a sharded counter an event adds to: spread evenly, the same for every copy."""
    return zlib.crc32(event_id.encode()) % shards


def tenant_pricing_item(tenant_id: str) -> dict[str, str]:
    return {"pk": f"{TENANT_PREFIX}{tenant_id}#PRICING", "sk": "PRICING"}


def sortable_time(moment: datetime) -> str:
    """A UTC timestamp of fixed width, so string order is time order in sort keys."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def task_partition(tenant_id: str, task_id: str) -> str:
    return f"{TENANT_PREFIX}{tenant_id}#TASK#{task_id}"


def task_item(tenant_id: str, task_id: str) -> dict[str, str]:
    return {"pk": task_partition(tenant_id, task_id), "sk": "TASK"}


def task_audit_item(tenant_id: str, task_id: str, task_version: int) -> dict[str, str]:
    return {"pk": task_partition(tenant_id, task_id), "sk": f"{CASE_AUDIT_PREFIX}{task_version:010d}"}


# Tasks without a due time sort after every dated one in a work list.
NO_DUE_TIME = "9999-12-31T23:59:59.999999Z"
# The sweepers' due indexes (tasks' overdue, cases' SLA breach): per tenant, and sharded within the
# tenant, so no index partition takes every due-time write of a tenant (issue #13: at 100 new cases
# a second), and none is shared by all tenants. A sweeper reads each tenant's shards (the tenant
# directory lists the tenants); the sort key is the due time then the item's id.
DUE_SHARDS = 4
def task_work_list_keys(tenant_id: str, *, task_id: str, status: str, due_at: str | None, assignee: str | None, queue: str | None) -> dict[str, str]:
    """Index keys of a task for "an agent's tasks" and "a queue's unclaimed tasks", by status, due time first."""
    base = f"{TENANT_PREFIX}{tenant_id}"
    due = f"{due_at or NO_DUE_TIME}#{task_id}"
    found: dict[str, str] = {}
    if assignee:
        found |= {"byAssigneepk": f"{base}#ASSIGNEE#{assignee}#{status}", "byAssigneesk": due}
    elif queue:
        found |= {"byQueuepk": f"{base}#QUEUE#{queue}#{status}", "byQueuesk": due}
    return found


def task_work_list_partition(tenant_id: str, *, status: str, assignee: str | None = None, queue: str | None = None) -> tuple[str, str]:
    """(index, partition) of a work-list query: an agent's tasks, or a queue's unclaimed tasks."""
    base = f"{TENANT_PREFIX}{tenant_id}"
    if assignee:
        return "byAssignee", f"{base}#ASSIGNEE#{assignee}#{status}"
    return "byQueue", f"{base}#QUEUE#{queue}#{status}"


CASE_TASKS_ACTIVE = "0"  # active tasks sort before finished ones in a case's task list
CASE_TASKS_FINISHED = "1"


def case_tasks_partition(tenant_id: str, case_id: str) -> str:
    return f"{TENANT_PREFIX}{tenant_id}#CASE#{case_id}#TASKS"


def case_tasks_sort_key(active: bool, created_at: str, task_id: str) -> str:
    return f"{CASE_TASKS_ACTIVE if active else CASE_TASKS_FINISHED}#{created_at}#{task_id}"


def due_shard(item_id: str) -> int:
    return zlib.crc32(item_id.encode()) % DUE_SHARDS


def due_partition(tenant_id: str, shard: int) -> str:
    return f"{TENANT_PREFIX}{tenant_id}#DUE#{shard}"


def due_sort_key(due_at: str, item_id: str) -> str:
    return f"{due_at}#{item_id}"


# The SLA sweeper's index on the cases table (store/tables.py): the same shape and reasons as the
# task due index (per tenant and shard, sweeper-only); only a case with an active SLA target carries its keys.


def sla_due_keys(tenant_id: str, case_id: str, breach_at: str) -> dict[str, str]:
    return {CASES_SLA_DUE.partition_key: sla_due_partition(tenant_id, due_shard(case_id)), CASES_SLA_DUE.sort_key: due_sort_key(breach_at, case_id)}


def sla_due_partition(tenant_id: str, shard: int) -> str:
    return f"{TENANT_PREFIX}{tenant_id}#SLADUE#{shard}"


def task_templates_partition(tenant_id: str) -> str:
    return f"{TENANT_PREFIX}{tenant_id}#TASK_TEMPLATES"


def task_template_item(tenant_id: str, template_id: str) -> dict[str, str]:
    # A tenant's templates share one partition: listing them is one query.
    return {"pk": task_templates_partition(tenant_id), "sk": f"TEMPLATE#{template_id}"}


def metrics_event_item(tenant_id: str, event_id: str) -> dict[str, str]:
    # Written once per event in the same transaction as its counters: a redelivery finds it.
    return {"pk": f"{TENANT_PREFIX}{tenant_id}#METRICS#EVENT#{event_id}", "sk": "EVENT"}


def metrics_case_partition(tenant_id: str, case_id: str) -> str:
    # One partition per case: its state item and one item per fact, read together by one Query.
    return f"{TENANT_PREFIX}{tenant_id}#METRICS#CASE#{case_id}"


def metrics_case_item(tenant_id: str, case_id: str) -> dict[str, str]:
    """The single facts item of a case whose facts were recorded before they had items of their
    own: read as the case's state and facts, replaced by them on the case's next metrics event."""
    return {"pk": metrics_case_partition(tenant_id, case_id), "sk": "FACTS"}


def metrics_case_state_item(tenant_id: str, case_id: str) -> dict[str, str]:
    # What the case contributes to the aggregates so far, and its revision: bounded, rewritten per event.
    return {"pk": metrics_case_partition(tenant_id, case_id), "sk": "STATE"}


def metrics_fact_item(tenant_id: str, case_id: str, version: int, kind: str) -> dict[str, str]:
    # One small item per fact, written once (a late or repeated fact lands on its own key).
    return {"pk": metrics_case_partition(tenant_id, case_id), "sk": f"FACT#{version:010d}#{kind}"}


# Every aggregate (a day's or the open-case gauge's, per group value) is summed over this many
# shards, each event adding to the one its id picks (counter_shard), and the shard is part of the
# partition key: a busy tenant's events spread over METRIC_SHARDS partitions per dimension, each
# under DynamoDB's 1,000 write units a second per partition (at 100 new cases/s a dimension takes
# ~1,400: 175 per shard), and no two concurrent events meet on one item but 1 time in 8. A report
# reads each shard's partition with one range Query and sums them (service/metrics.py).
METRIC_SHARDS = 8


def metrics_partition(tenant_id: str, dimension: str, shard: int) -> str:
    # One partition per dimension and shard: days, then group values, sort within it.
    return f"{TENANT_PREFIX}{tenant_id}#METRICS#{dimension}#{shard:02d}"


def metrics_bucket_item(tenant_id: str, dimension: str, period: str, value: str, shard: int) -> dict[str, str]:
    return {"pk": metrics_partition(tenant_id, dimension, shard), "sk": f"{period}#{value}"}


def retired_metrics_partition(tenant_id: str, dimension: str) -> str:
    """The one partition per dimension of the design before, never written any more: items
    `<period>#<value>` written before shards, and `<period>#<value>#<shard>` (with a `shard`
    attribute) written after. `casetrail-admin migrate` moves them into the shards' partitions;
    reports read it too until every deployment has (store/metrics.py)."""
    return f"{TENANT_PREFIX}{tenant_id}#METRICS#{dimension}"


def fields_partition(tenant_id: str) -> str:
    # A tenant's field definitions share one partition (as its templates share another): a list
    # is one query, and the definitions a case needs are read with it.
    return f"{TENANT_PREFIX}{tenant_id}#FIELDS"


def field_item(tenant_id: str, field_id: str) -> dict[str, str]:
    return {"pk": fields_partition(tenant_id), "sk": f"FIELD#{field_id}"}


def templates_partition(tenant_id: str) -> str:
    return f"{TENANT_PREFIX}{tenant_id}#TEMPLATES"


def template_item(tenant_id: str, template_id: str) -> dict[str, str]:
    return {"pk": templates_partition(tenant_id), "sk": f"TEMPLATE#{template_id}"}
def rules_partition(tenant_id: str) -> str:
    # All of a tenant's rules share one partition: the rules consumer reads them with one query.
    return f"{TENANT_PREFIX}{tenant_id}#RULES"


def rule_item(tenant_id: str, rule_id: str) -> dict[str, str]:
    return {"pk": rules_partition(tenant_id), "sk": f"RULE#{rule_id}"}


def rule_applied_item(tenant_id: str, case_id: str, event_id: str, rule_id: str) -> dict[str, str]:
    # In the case's partition, written in the same transaction as the rule's change: a second copy
    # of the event finds it and changes nothing.
    return {"pk": case_partition(tenant_id, case_id), "sk": f"RULE_APPLIED#{event_id}#{rule_id}"}


def rule_event_item(tenant_id: str, case_id: str, event_id: str, rule_id: str, position: int) -> dict[str, str]:
    # The outbox item of an event a rule publishes (the stream publisher relays it).
    return {"pk": case_partition(tenant_id, case_id), "sk": f"RULE_EVENT#{event_id}#{rule_id}#{position}"}


def tenant_sla_calendar_item(tenant_id: str) -> dict[str, str]:
    return {"pk": f"{TENANT_PREFIX}{tenant_id}#SLA", "sk": "CALENDAR"}


def bulk_job_item(tenant_id: str, job_id: str) -> dict[str, str]:
    # One partition per job: read and written by id only.
    return {"pk": f"{TENANT_PREFIX}{tenant_id}#BULK_JOB#{job_id}", "sk": "JOB"}


def bulk_job_event_item(tenant_id: str, job_id: str, part: int) -> dict[str, str]:
    # The outbox item of a job's part (BULK_JOB.PROGRESSED), beside the job: one per part.
    return {"pk": bulk_job_item(tenant_id, job_id)["pk"], "sk": f"EVENT#{part:08d}"}


# --- deletion and erasure (store/erasure.py) ------------------------------------------------

def case_tombstone_item(tenant_id: str, case_id: str) -> dict[str, str]:
    # All that stays in a deleted case's partition: who deleted it, when and why (its CASE.DELETED).
    return {"pk": case_partition(tenant_id, case_id), "sk": "TOMBSTONE"}


def customer_tombstone_item(tenant_id: str, customer_id: str) -> dict[str, str]:
    return {"pk": customer_item(tenant_id, customer_id)["pk"], "sk": "TOMBSTONE"}


CASE_IDEMPOTENCY_PREFIX = "IDEMPOTENCY#"


def case_idempotency_pointer(tenant_id: str, case_id: str, record_id: str) -> dict[str, str]:
    # In the case's partition: deleting the case finds the Idempotency-Key record that replays it.
    return {"pk": case_partition(tenant_id, case_id), "sk": f"{CASE_IDEMPOTENCY_PREFIX}{record_id}"}


def forgotten_case_item(tenant_id: str, case_id: str) -> dict[str, str]:
    # The erasure table's marker every consumer looks up (one GetItem per event) before acting.
    return {"pk": f"{TENANT_PREFIX}{tenant_id}#FORGOTTEN#CASE#{case_id}", "sk": "FORGOTTEN"}


def customer_erasure_item(tenant_id: str, customer_id: str) -> dict[str, str]:
    return {"pk": f"{TENANT_PREFIX}{tenant_id}#ERASURE#CUSTOMER#{customer_id}", "sk": "JOB"}


# Sweeper-only partitions of the erasure table, across tenants (as the due indexes are): deletions
# under way (finished by the retention sweeper when a request ran out of time) and the tenants
# that have a retention period.
DELETIONS_UNDER_WAY = "DELETING"
RETENTION_POLICIES = "RETENTION"


def deletion_under_way_item(tenant_id: str, case_id: str) -> dict[str, str]:
    return {"pk": DELETIONS_UNDER_WAY, "sk": f"{tenant_id}#{case_id}"}


def retention_policy_item(tenant_id: str) -> dict[str, str]:
    return {"pk": RETENTION_POLICIES, "sk": tenant_id}


# Sparse index of the cases table (store/tables.py): closed cases only, by closing time (the retention sweeper's read).


def closed_case_keys(tenant_id: str, case_id: str, closed_at: str) -> dict[str, str]:
    return {CLOSED_CASES.partition_key: closed_cases_partition(tenant_id), CLOSED_CASES.sort_key: f"{closed_at}#{case_id}"}


def closed_cases_partition(tenant_id: str) -> str:
    return f"{TENANT_PREFIX}{tenant_id}#CLOSED"
