"""Bulk-change jobs in DynamoDB (the cases table; its stream publishes audit records only)."""

from casetrail.domain.bulk_changes import BulkJob, BulkJobNotFound
from casetrail.domain.errors import ConcurrentChange
from casetrail.store import keys
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
        item = {**keys.bulk_job_item(job.tenant_id, job.job_id), "entity": ENTITY_BULK_JOB, **job.to_wire(), "cursor": job.cursor}
        condition = "attribute_not_exists(pk)" if after_part == 0 else "part = :part"
        operation = {"Put": {"Item": serialize(item), "ConditionExpression": condition}}
        if after_part:
            operation["Put"]["ExpressionAttributeValues"] = serialize({":part": after_part})
        try:
            self._table.transact([operation])
        except ConditionFailed:
            raise ConcurrentChange(f"bulk job {job.job_id} was continued by another request meanwhile", details={"jobId": job.job_id}) from None
