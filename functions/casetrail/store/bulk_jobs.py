"""Bulk-change jobs in DynamoDB (the cases table; its stream publishes audit records only).

Each part's save also writes the part's BULK_JOB.PROGRESSED event as an outbox item (an audit-entity
item the stream publisher relays), in the same transaction: a part is never saved without the event
that starts the next one, and never announced without being saved."""

from casetrail.domain.bulk_changes import BulkJob, BulkJobNotFound, BulkJobProgress
from casetrail.domain.errors import ConcurrentChange
from casetrail.store import keys
from casetrail.store.cases import ENTITY_AUDIT
from casetrail.store.dynamo import ConditionFailed, Table, serialize

ENTITY_BULK_JOB = "BULK_JOB"


class BulkJobRepository:
    def __init__(self, table: Table):
        self._table = table

    def get(self, tenant_id: str, job_id: str) -> BulkJob:
        item = self._table.get(keys.bulk_job_item(tenant_id, job_id))
        if item is None:
            raise BulkJobNotFound(f"bulk job {job_id} was not found")
        return BulkJob.model_validate(item)

    def save(self, job: BulkJob, *, after_part: int) -> None:
        """Writes the job if no other request ran a part since `after_part` was read (two
        continues of one job at once: the second is told so rather than moving the cursor back)."""
        run_as = job.run_as.model_dump(by_alias=True, mode="json") if job.run_as else None
        item = {**keys.bulk_job_item(job.tenant_id, job.job_id), "entity": ENTITY_BULK_JOB, **job.to_wire(), "cursor": job.cursor, "runAs": run_as}
        condition = "attribute_not_exists(pk)" if after_part == 0 else "part = :part"
        operation = {"Put": {"Item": serialize(item), "ConditionExpression": condition}}
        if after_part:
            operation["Put"]["ExpressionAttributeValues"] = serialize({":part": after_part})
        event = {
            **keys.bulk_job_event_item(job.tenant_id, job.job_id, job.part),
            "entity": ENTITY_AUDIT,
            "change": BulkJobProgress.of(job).to_wire(),
        }
        try:
            self._table.transact([operation, {"Put": {"Item": serialize(event), "ConditionExpression": "attribute_not_exists(pk)"}}])
        except ConditionFailed:
            raise ConcurrentChange(f"bulk job {job.job_id} was continued by another request meanwhile", details={"jobId": job.job_id}) from None
