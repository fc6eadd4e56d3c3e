"""Deleting cases and erasing customers (GDPR/CCPA): the events, tombstones and reports. Pure.

A deleted case leaves a tombstone (who, when, why: no personal data) and a CASE.DELETED event; an
erased customer a CUSTOMER.ERASED event. Both events carry ids only, so the bus archive and the
data lake keep nothing personal about what was removed; every consumer drops events of a case
that has a tombstone (service/event_intake.py), so a replayed or redelivered older event of a
deleted case never brings anything back.
"""

from datetime import datetime
from typing import Literal

from pydantic import Field

from casetrail.domain.events import PerformedBy
from casetrail.domain.model_base import CamelModel

CASE_DELETED = "CASE.DELETED"
CUSTOMER_ERASED = "CUSTOMER.ERASED"
ERASURE_EVENT_TYPES = (CASE_DELETED, CUSTOMER_ERASED)

REASON_MAX_LENGTH = 200
# The reason a system deletion records (the retention sweeper, a customer's erasure).
RETENTION_REASON = "retention period elapsed"
ERASURE_REASON = "customer erasure"

class ErasureEvent(CamelModel):
    """The detail of CASE.DELETED and CUSTOMER.ERASED: ids, who, when and why; nothing personal."""

    version: Literal["0"] = "0"
    event_id: str
    event_type: Literal["CASE.DELETED", "CUSTOMER.ERASED"]
    approximate_change_time: datetime
    tenant_id: str
    case_id: str | None = Field(default=None, description="CASE.DELETED: the case every consumer must forget")
    customer_id: str | None = Field(default=None, description="CUSTOMER.ERASED: the customer erased (every case of theirs had its own CASE.DELETED)")
    performed_by: PerformedBy
    reason: str = Field(max_length=REASON_MAX_LENGTH, description="Why, as given by the deleting person (never personal data)")
    removed: dict[str, int] = Field(default_factory=dict, description="Counts per kind of what was removed")


class CaseDeletion(CamelModel):
    """What DELETE /cases/{caseId} answers: done (200) or still going (202: DELETE again to continue)."""

    case_id: str
    status: Literal["deleting", "deleted"]
    removed: dict[str, int] = Field(description="Counts per kind of what was removed so far")


class LakeRewrite(CamelModel):
    objects_scanned: int = 0
    objects_rewritten: int = 0
    records_dropped: int = 0
    continue_after: str | None = Field(default=None, description="The last object key done (resumes here)")


class CustomerErasure(CamelModel):
    """The erasure job of a customer, and what POST /customers/{customerId}/erase answers."""

    customer_id: str
    status: Literal["erasing", "erased"]
    started_at: datetime
    finished_at: datetime | None = None
    performed_by: PerformedBy
    removed: dict[str, int] = Field(default_factory=dict, description="Counts per kind of what was removed")
    cases_deleted: int = 0
    current_case_id: str | None = Field(default=None, description="A case whose deletion is under way")
    data_lake: LakeRewrite | None = Field(default=None, description="The data lake's rewrite (absent: no data lake configured)")


class RetentionPolicy(CamelModel):
    closed_case_days: int | None = Field(
        default=None, ge=1, le=36500, description="Delete cases closed this many days ago (null: keep them)"
    )


def add_counts(total: dict[str, int], more: dict[str, int]) -> dict[str, int]:
    return {kind: total.get(kind, 0) + more.get(kind, 0) for kind in {*total, *more} if total.get(kind, 0) + more.get(kind, 0)}


# The data lake is partitioned by tenant and by this bucket of the customer id, so erasing a customer
# rewrites the objects of one bucket, not the whole lake. The same function is Firehose's JQ
# (infra/constructs/data_lake.py): the sum of the id's code points, modulo the bucket count.
LAKE_CUSTOMER_BUCKETS = 32
NO_CUSTOMER = "none"


def lake_customer_bucket(customer_id: str | None) -> str:
    if not customer_id:
        return NO_CUSTOMER
    return str(sum(ord(c) for c in customer_id) % LAKE_CUSTOMER_BUCKETS)

