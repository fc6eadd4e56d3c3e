"""Watching a case: any user of the tenant may follow a case's changes."""

from collections.abc import Callable

from casetrail.domain.errors import Conflict
from casetrail.domain.identity import Principal
from casetrail.service.cases import Clock, utc_now
from casetrail.service.user_channels import UserChannels
from casetrail.store.cases import CaseRepository
from casetrail.store.users import UserRepository
from casetrail.store.watchers import MAX_WATCHERS, Watcher, WatcherRepository


class WatcherService:
    def __init__(
        self,
        cases: CaseRepository,
        watchers: WatcherRepository,
        clock: Clock = utc_now,
        *,
        users: UserRepository | None = None,
        channels: Callable[[], UserChannels] | None = None,
    ):
        self._cases = cases
        self._watchers = watchers
        self._clock = clock
        self._users = users
        self._channels = channels

    def watch(self, principal: Principal, case_id: str) -> list[Watcher]:
        self._cases.get(principal.tenant_id, case_id)  # 404 for an unknown case
        watchers = self._watchers.of_case(principal.tenant_id, case_id)
        if any(w.principal_id == principal.principal_id for w in watchers):
            return watchers
        if len(watchers) >= MAX_WATCHERS:
            raise Conflict(f"case {case_id} has {MAX_WATCHERS} watchers already", details={"maxWatchers": MAX_WATCHERS})
        me = Watcher(principal_id=principal.principal_id, name=principal.name, since=self._clock())
        self._watchers.add(principal.tenant_id, case_id, me)
        self._open_channel(principal)
        return [*watchers, me]

    def _open_channel(self, principal: Principal) -> None:
        """A person is told by email (service/user_channels.py); an API key has no address."""
        if not (principal.is_user and self._users and self._channels):
            return
        user = self._users.active_user(principal.tenant_id, principal.principal_id)
        if user is not None:
            self._channels().open(principal.tenant_id, [user])

    def unwatch(self, principal: Principal, case_id: str) -> None:
        self._cases.get(principal.tenant_id, case_id)
        self._watchers.remove(principal.tenant_id, case_id, principal.principal_id)

    def watchers(self, principal: Principal, case_id: str) -> list[Watcher]:
        self._cases.get(principal.tenant_id, case_id)
        return self._watchers.of_case(principal.tenant_id, case_id)
