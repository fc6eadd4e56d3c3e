"""Watchers and mentions: who hears about a case's changes, and whom a comment names. Pure.

A mention is `@handle` in a comment, where a user's handle is the local part of their email
(`ana.lima@example.com` → `@ana.lima`), matched case-insensitively against the tenant's users; an
`@word` naming nobody stays plain text. Mentions are stored on the comment as data (`mentions`),
not only in its text, so the audit and consumers need no parsing.
"""

import re
from collections.abc import Mapping
from typing import Any

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


def watchers_to_notify(detail: Mapping[str, Any], watcher_ids: list[str]) -> list[str]:
    """Of a case's watchers, those to tell about this event: not the one who made the change."""
    if detail.get("eventType") not in WATCHED_EVENT_TYPES:
        return []
    performer = (detail.get("performedBy") or {}).get("principalId")
    return [watcher for watcher in dict.fromkeys(watcher_ids) if watcher != performer]
