"""Deleting cases, erasing customers and applying retention periods: one deletion service that the
API (DELETE /cases/{caseId}, POST /customers/{customerId}/erase) and the retention sweeper share.

Each runs while `keep_going()` says there is time left (a request's or a sweeper's) and stops
between pages: what it did is stored with the case or the erasure job, so asking again continues.
"""

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from casetrail.domain.customers import Customer
from casetrail.domain.erasure import (
    CASE_DELETED,
    CUSTOMER_ERASED,
    ERASURE_REASON,
    RETENTION_REASON,
    CaseDeletion,
    CustomerErasure,
    ErasureEvent,
    LakeRewrite,
    add_counts,
)
from casetrail.domain.errors import CaseNotFound, CustomerNotFound, VersionConflict
from casetrail.domain.events import PerformedBy
from casetrail.domain.identity import Principal, PrincipalKind, Role, require_admin, require_supervising
from casetrail.service.cases import Clock, utc_now
from casetrail.store import keys
from casetrail.store.case_indexes import IndexNotDeployedYet
from casetrail.store.customers import lookup_keys
from casetrail.store.data_lake import DataLake, RewriteProgress
from casetrail.store.dynamo import ConditionFailed
from casetrail.store.erasure import ErasureRepository
from casetrail.store.event_details import case_details_prefix
from casetrail.store.files import FileStore

KeepGoing = Callable[[], bool]
_CASES_PER_SWEEP_QUERY = 25


# A deletion retried after a crash writes the same event id: consumers deduplicate on it.
_EVENT_ID_NAMESPACE = uuid.UUID("5d0c1f1e-7a39-4c55-9a57-8f3f0e2c6b11")


def stable_event_id(tenant_id: str, event_type: str, subject_id: str) -> str:
    return str(uuid.uuid5(_EVENT_ID_NAMESPACE, f"{tenant_id}\n{event_type}\n{subject_id}"))


def always() -> bool:
    return True


def system_principal(tenant_id: str) -> Principal:
    return Principal(tenant_id=tenant_id, principal_id="retention", name="Retention period", role=Role.ADMIN, kind=PrincipalKind.SYSTEM)


def data_lake(bucket: str | None) -> DataLake | None:
    from casetrail.store.files import s3_client

    return DataLake(bucket, s3_client()) if bucket else None


class DeletionService:
    def __init__(
        self,
        repository: ErasureRepository,
        files: Callable[[], FileStore],
        clock: Clock = utc_now,
        lake: Callable[[], DataLake | None] = lambda: None,
        event_details: Callable[[], FileStore | None] = lambda: None,
    ):
        self._repository = repository
        self._files = files  # created on first use: only cases with files need S3
        self._event_details = event_details  # claim-checked event details (store/event_details.py)
        self._clock = clock
        self._lake = lake

    # --- a case --------------------------------------------------------------------------

    def delete_case(self, principal: Principal, case_id: str, *, reason: str, expected_version: int | None = None, keep_going: KeepGoing = always) -> CaseDeletion:
        require_supervising(principal, "delete cases")
        tenant_id = principal.tenant_id
        marker = self._repository.forgotten(tenant_id, case_id)
        if marker is not None:
            return CaseDeletion(case_id=case_id, status="deleted", removed=marker["removed"])
        record = self._repository.case_record(tenant_id, case_id)
        if record is None:
            raise CaseNotFound(f"case {case_id} was not found")
        if "deleting" not in record:
            if expected_version is not None and record["version"] != expected_version:
                raise VersionConflict(f"case {case_id} is at version {record['version']}, not {expected_version}", details={"currentVersion": record["version"]})
            deleting = {"by": PerformedBy.of(principal).to_wire(), "at": self._clock().isoformat(), "reason": reason}
            self._repository.mark_deleting(tenant_id, case_id, read_version=record["version"], deleting=deleting)
        return self.resume(tenant_id, case_id, keep_going)

    def resume(self, tenant_id: str, case_id: str, keep_going: KeepGoing = always) -> CaseDeletion:
        """Continues a marked case's deletion: pages while there is time, then the tombstone."""
        while keep_going():
            page = self._repository.next_page(tenant_id, case_id)
            if page is None:
                details = self._event_details()
                if details is not None:
                    details.remove_prefix(case_details_prefix(tenant_id, case_id))
                return self._finish(tenant_id, case_id)
            if page.files:
                self._files().remove(page.files)  # before their items: an interruption finds them again
            self._repository.commit_page(tenant_id, case_id, page)
        record = self._repository.case_record(tenant_id, case_id) or {}
        return CaseDeletion(case_id=case_id, status="deleting", removed=ErasureRepository.removed_so_far(record))

    def _finish(self, tenant_id: str, case_id: str) -> CaseDeletion:
        record = self._repository.case_record(tenant_id, case_id)
        if record is None or "deleting" not in record:  # finished by another run meanwhile
            marker = self._repository.forgotten(tenant_id, case_id) or {"removed": {}}
            return CaseDeletion(case_id=case_id, status="deleted", removed=marker["removed"])
        deleting = record["deleting"]
        removed = add_counts(ErasureRepository.removed_so_far(record), {"cases": 1, "lookupKeys": 1})
        at = self._clock()
        event = ErasureEvent(
            event_id=stable_event_id(tenant_id, CASE_DELETED, case_id),
            event_type=CASE_DELETED,
            approximate_change_time=at,
            tenant_id=tenant_id,
            case_id=case_id,
            performed_by=PerformedBy.model_validate(deleting["by"]),
            reason=deleting["reason"],
            removed=removed,
        )
        marker = {"tenantId": tenant_id, "caseId": case_id, "deletedAt": at.isoformat(), "removed": removed}
        try:
            self._repository.finish(record, event.to_wire(), marker)
        except ConditionFailed:
            return self._finish(tenant_id, case_id)
        return CaseDeletion(case_id=case_id, status="deleted", removed=removed)

    # --- a customer ----------------------------------------------------------------------

    def erase_customer(self, principal: Principal, customer_id: str, *, keep_going: KeepGoing = always) -> CustomerErasure:
        """Every case of the customer (each deleted as DELETE would), the data lake's lines about
        them, then the customer and its lookup keys. Asking again continues, or answers the report."""
        require_admin(principal, "erase customers")
        tenant_id = principal.tenant_id
        stored = self._repository.erasure_job(tenant_id, customer_id)
        if stored is None:
            if self._repository.customer_record(tenant_id, customer_id) is None:
                raise CustomerNotFound(f"customer {customer_id} was not found")
            job = CustomerErasure(
                customer_id=customer_id,
                status="erasing",
                started_at=self._clock(),
                performed_by=PerformedBy.of(principal),
                data_lake=LakeRewrite() if self._lake() is not None else None,
            )
            self._save(tenant_id, job)
        else:
            job = CustomerErasure.model_validate(stored)
        if job.status == "erased":
            return job
        if not self._erase_cases(principal, job, keep_going) or not self._erase_from_lake(tenant_id, job, keep_going):
            return job
        self._erase_customer_record(principal, job)
        job = job.model_copy(update={"status": "erased", "finished_at": self._clock()})
        self._save(tenant_id, job)
        return job

    def _erase_cases(self, principal: Principal, job: CustomerErasure, keep_going: KeepGoing) -> bool:
        tenant_id = principal.tenant_id
        while keep_going():
            try:
                case_id = job.current_case_id or next(iter(self._repository.customer_case_ids(tenant_id, job.customer_id, 1)), None)
            except IndexNotDeployedYet:
                return False  # an upgrade of the cases table's indexes is under way: asking again later continues
            if case_id is None:
                return True
            job.current_case_id = case_id
            self._save(tenant_id, job)
            try:
                result = self.delete_case(principal, case_id, reason=ERASURE_REASON, keep_going=keep_going)
            except CaseNotFound:  # deleted meanwhile by someone else: nothing left to count
                result = CaseDeletion(case_id=case_id, status="deleted", removed={})
            if result.status == "deleting":
                return False
            job.removed = add_counts(job.removed, result.removed)
            job.cases_deleted += 1
            job.current_case_id = None
            self._save(tenant_id, job)
        return False

    def _erase_from_lake(self, tenant_id: str, job: CustomerErasure, keep_going: KeepGoing) -> bool:
        lake = self._lake()
        if lake is None or job.data_lake is None:
            return True
        progress = RewriteProgress(**job.data_lake.model_dump())
        done = lake.erase_customer(tenant_id, job.customer_id, progress, keep_going=keep_going)
        job.data_lake = LakeRewrite(**progress.__dict__)
        self._save(tenant_id, job)
        return done

    def _erase_customer_record(self, principal: Principal, job: CustomerErasure) -> None:
        tenant_id = principal.tenant_id
        record = self._repository.customer_record(tenant_id, job.customer_id)
        if record is None:
            return  # removed by an earlier run that stopped before saving the job
        lookups = lookup_keys(Customer.model_validate(record))
        job.removed = add_counts(job.removed, {"customers": 1, "lookupKeys": len(lookups)})
        event = ErasureEvent(
            event_id=stable_event_id(tenant_id, CUSTOMER_ERASED, job.customer_id),
            event_type=CUSTOMER_ERASED,
            approximate_change_time=self._clock(),
            tenant_id=tenant_id,
            customer_id=job.customer_id,
            performed_by=PerformedBy.of(principal),
            reason=ERASURE_REASON,
            removed=job.removed,
        )
        self._repository.erase_customer_record(tenant_id, job.customer_id, lookups, event.to_wire())

    def _save(self, tenant_id: str, job: CustomerErasure) -> None:
        self._repository.save_erasure_job(tenant_id, job.customer_id, job.to_wire())

    # --- retention -----------------------------------------------------------------------

    def retention_days(self, principal: Principal) -> int | None:
        require_supervising(principal, "read the retention period")
        return self._repository.retention_days(principal.tenant_id)

    def set_retention_days(self, principal: Principal, days: int | None) -> None:
        require_admin(principal, "set the retention period")
        self._repository.set_retention_days(principal.tenant_id, days)

    def sweep(self, now: datetime, keep_going: KeepGoing = always) -> dict[str, int]:
        """The retention sweeper's run: deletions under way first, then every tenant's closed cases
        past its period, oldest first, through the same deletion as DELETE /cases."""
        done = {"resumed": 0, "deleted": 0}
        for tenant_id, case_id in self._repository.deletions_under_way(limit=_CASES_PER_SWEEP_QUERY):
            if not keep_going():
                return done
            record = self._repository.case_record(tenant_id, case_id)
            if record is None or "deleting" not in record:
                self._repository.abandon_under_way(tenant_id, case_id)
                continue
            done["resumed"] += self.resume(tenant_id, case_id, keep_going).status == "deleted"
        for tenant_id, days in self._repository.retention_policies():
            cutoff = keys.sortable_time(now - timedelta(days=days))
            skipped: set[str] = set()
            while keep_going():
                due = [case_id for case_id in self._repository.closed_before(tenant_id, cutoff, _CASES_PER_SWEEP_QUERY + len(skipped)) if case_id not in skipped]
                if not due:
                    break
                for case_id in due:
                    if not keep_going():
                        return done
                    try:
                        result = self.delete_case(system_principal(tenant_id), case_id, reason=RETENTION_REASON, keep_going=keep_going)
                    except (CaseNotFound, VersionConflict):
                        skipped.add(case_id)  # changed or deleted meanwhile: the next run sees it again if still due
                        continue
                    done["deleted"] += result.status == "deleted"
        return done
