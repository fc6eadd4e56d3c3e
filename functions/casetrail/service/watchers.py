"""Watching a case: any user of the tenant may follow a case's changes."""

from casetrail.domain.errors import Conflict
from casetrail.domain.identity import Principal
from casetrail.service.cases import Clock, utc_now
from casetrail.store.cases import CaseRepository
from casetrail.store.watchers import MAX_WATCHERS, Watcher, WatcherRepository


class WatcherService:
    def __init__(self, cases: CaseRepository, watchers: WatcherRepository, clock: Clock = utc_now):
        self._cases = cases
        self._watchers = watchers
        self._clock = clock

    def watch(self, principal: Principal, case_id: str) -> list[Watcher]:
        self._cases.get(principal.tenant_id, case_id)  # 404 for an unknown case
        watchers = self._watchers.of_case(principal.tenant_id, case_id)
        if any(w.principal_id == principal.principal_id for w in watchers):
            return watchers
        if len(watchers) >= MAX_WATCHERS:
            raise Conflict(f"case {case_id} has {MAX_WATCHERS} watchers already", details={"maxWatchers": MAX_WATCHERS})
        me = Watcher(principal_id=principal.principal_id, name=principal.name, since=self._clock())
        self._watchers.add(principal.tenant_id, case_id, me)
        return [*watchers, me]

    def unwatch(self, principal: Principal, case_id: str) -> None:
        self._cases.get(principal.tenant_id, case_id)
        self._watchers.remove(principal.tenant_id, case_id, principal.principal_id)

    def watchers(self, principal: Principal, case_id: str) -> list[Watcher]:
        self._cases.get(principal.tenant_id, case_id)
        return self._watchers.of_case(principal.tenant_id, case_id)
