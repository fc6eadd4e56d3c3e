"""Mentions in comments, at write time: `@handle` matched against the tenant's active users
(domain/watching.py says what a handle is). The mentioned users become watchers of the case in the
comment's own transaction, so the event the consumer receives already finds them watching, and no
consumer needs to write the cases table; their email channels are opened after the write."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from casetrail.domain.identity import Principal
from casetrail.domain.users import User
from casetrail.domain.events import FieldChange
from casetrail.domain.watching import Mention, mentions_in, new_mention_ids, users_by_handle
from casetrail.service.user_channels import UserChannels
from casetrail.store.users import UserRepository
from casetrail.store.watchers import MAX_WATCHERS, Watcher, WatcherRepository


@dataclass(frozen=True)
class Mentioned:
    mentions: list[Mention] = field(default_factory=list)
    users: list[User] = field(default_factory=list)

    def new_in(self, changes: list[FieldChange]) -> "Mentioned":
        """Those a write mentions for the first time (an edit keeps the ones told before)."""
        new = set(new_mention_ids(changes))
        return Mentioned([m for m in self.mentions if m.user_id in new], [u for u in self.users if u.user_id in new])


class MentionService:
    def __init__(self, users: UserRepository, watchers: WatcherRepository, channels: Callable[[], UserChannels]):
        self._users = users
        self._watchers = watchers
        self._channels = channels

    def resolve(self, tenant_id: str, text: str) -> Mentioned:
        if "@" not in text:  # most comments: no read at all
            return Mentioned()
        users = self._users.active_users(tenant_id)
        mentions = mentions_in(text, users_by_handle([(u.user_id, u.email, u.name) for u in users]))
        mentioned_ids = {m.user_id for m in mentions}
        return Mentioned(mentions=mentions, users=[u for u in users if u.user_id in mentioned_ids])

    def watch_operations(self, principal: Principal, case_id: str, mentioned: Mentioned, at: datetime) -> list[dict]:
        """Operations making the mentioned users watchers, within the case's MAX_WATCHERS (one Query;
        a user mentioned beyond it is still notified of the mention, just not made a watcher)."""
        if not mentioned.mentions:
            return []
        watching = {w.principal_id for w in self._watchers.of_case(principal.tenant_id, case_id)}
        room = MAX_WATCHERS - len(watching)
        new = [m for m in mentioned.mentions if m.user_id not in watching][: max(0, room)]
        return [
            self._watchers.add_operation(principal.tenant_id, case_id, Watcher(principal_id=m.user_id, name=m.name, since=at))
            for m in new
        ]

    def open_channels(self, tenant_id: str, mentioned: Mentioned) -> None:
        if mentioned.users:
            self._channels().open(tenant_id, mentioned.users)
