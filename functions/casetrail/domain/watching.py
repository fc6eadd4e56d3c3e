"""Watchers and mentions: who hears about a case's changes, and whom a comment names. Pure.

A mention is `@handle` in a comment, where a user's handle is the local part of their email
(`ana.lima@example.com` → `@ana.lima`), matched case-insensitively against the tenant's users; an
`@word` naming nobody stays plain text. Mentions are stored on the comment as data (`mentions`),
not only in its text, so the audit and consumers need no parsing.
"""

import re
from collections.abc import Mapping
from typing import Any

from casetrail.domain.events import FieldChange
from casetrail.domain.model_base import CamelModel

# A handle as an email local part may be written, up to 64 characters; the lookbehind keeps an
# email address inside a comment (`write to ana@example.com`) from mentioning `@example.com`.
_MENTION = re.compile(r"(?<![\w.+-])@([A-Za-z0-9][A-Za-z0-9._+-]{0,63})")
MAX_MENTIONS = 20  # per comment: bounds the notifications and watchers one comment creates

# The changes of a case its watchers hear about: edits, its timeline, its tasks' and SLAs' alarms.
WATCHED_EVENT_TYPES = frozenset(
    {"CASE.UPDATED", "CASE.MERGED", "RELATED_ITEM.CREATED", "RELATED_ITEM.UPDATED", "RELATED_ITEM.DELETED", "TASK.OVERDUE", "SLA.BREACHED"}
)


class Mention(CamelModel):
    user_id: str
    handle: str
    name: str


USER_RECIPIENT_PREFIX = "user-"


def recipient_of(user_id: str) -> str:
    """A person's recipient id: their delivery records' key and their email channel's filter value
    (a subscription id is a UUID, so the two never meet)."""
    return f"{USER_RECIPIENT_PREFIX}{user_id}"


MENTIONS_FIELD = "mentions"  # the audit's fieldId for a comment's mentions (old → new userIds)


def mention_change(old: list[Mention] | None, new: list[Mention] | None) -> FieldChange | None:
    """The audit entry of a comment's mentions, or None when they did not change."""
    before, after = [m.user_id for m in old or ()], [m.user_id for m in new or ()]
    if before == after:
        return None
    return FieldChange(field_id=MENTIONS_FIELD, old_value=before or None, new_value=after or None)


def newly_mentioned(detail: Mapping[str, Any]) -> list[str]:
    """The users an event mentions for the first time: a comment's new mentions (an edit's
    `mentions` change tells its old ones apart: they were told before)."""
    if detail.get("eventType") not in ("RELATED_ITEM.CREATED", "RELATED_ITEM.UPDATED"):
        return []
    return new_mention_ids([FieldChange.model_validate(c) for c in detail.get("changes") or ()])


def new_mention_ids(changes: list[FieldChange]) -> list[str]:
    """Of a change's `mentions` entry, the userIds that were not mentioned before."""
    change = next((c for c in changes if c.field_id == MENTIONS_FIELD), None)
    if change is None:
        return []
    old = set(change.old_value or ())
    return [user_id for user_id in change.new_value or () if user_id not in old]


def users_by_handle(users: list[tuple[str, str, str]]) -> dict[str, tuple[str, str]]:
    """(userId, email, name) of active users → handle → (userId, name). A handle two users share
    (ana@one.example, ana@two.example) names nobody: a mention must not guess."""
    found: dict[str, tuple[str, str] | None] = {}
    for user_id, email, name in users:
        handle = handle_of(email)
        found[handle] = None if handle in found else (user_id, name)
    return {handle: user for handle, user in found.items() if user is not None}


def handle_of(email: str) -> str:
    return email.split("@", 1)[0].lower()


def mentions_in(text: str, users_by_handle: Mapping[str, tuple[str, str]]) -> list[Mention]:
    """The users `text` mentions, in order of first mention, each once. `users_by_handle` maps a
    lower-cased handle to (userId, name) for the tenant's active users."""
    found: dict[str, Mention] = {}
    for match in _MENTION.finditer(text):
        handle = match.group(1).rstrip(".").lower()  # a sentence may end right after a mention
        user = users_by_handle.get(handle)
        if user and user[0] not in found:
            found[user[0]] = Mention(user_id=user[0], handle=handle, name=user[1])
        if len(found) == MAX_MENTIONS:
            break
    return list(found.values())


def is_watched(detail: Mapping[str, Any]) -> bool:
    """Whether a case's watchers hear of this event."""
    return detail.get("eventType") in WATCHED_EVENT_TYPES


def watchers_to_notify(detail: Mapping[str, Any], watcher_ids: list[str]) -> list[str]:
    """Of a case's watchers, those to tell about this event: not the one who made the change."""
    if not is_watched(detail):
        return []
    performer = (detail.get("performedBy") or {}).get("principalId")
    return [watcher for watcher in dict.fromkeys(watcher_ids) if watcher != performer]
