"""A case event told in words, for a supervisor: "Case 10009 (urgent, billing) was reassigned from
Ana to the Fraud queue by Ben", plus a link to the case.

Only what identifies the case and the change goes into the sentence (reference number, priority,
category, assignee, queue, status, who): no title, description or customer id, because an email
may end up anywhere; the link leads to the rest behind authentication.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from casetrail.domain.subscriptions import NotificationEvent

SUBJECT_PREFIX = "[Casetrail] "
MAX_SUBJECT_LENGTH = 100  # SNS's limit for an email subject
_DESCRIBED_FIELDS = {"assignee", "queue", "status", "priority"}



@dataclass(frozen=True)
class NotificationMessage:
    sentence: str
    link: str | None

    @property
    def subject(self) -> str:
        subject = SUBJECT_PREFIX + self.sentence
        return subject if len(subject) <= MAX_SUBJECT_LENGTH else subject[: MAX_SUBJECT_LENGTH - 3] + "..."

    @property
    def text(self) -> str:
        return f"{self.sentence}\n\n{self.link}\n" if self.link else f"{self.sentence}\n"


def case_link(base_url: str | None, case_id: str | None) -> str | None:
    if not base_url or not case_id:
        return None
    return f"{base_url.rstrip('/')}/cases/{case_id}"


def compose(detail: dict[str, Any], *, link_base_url: str | None) -> NotificationMessage:
    event_type = detail.get("eventType")
    subject = _case_label(detail)
    by = (detail.get("performedBy") or {}).get("name")
    if event_type == NotificationEvent.CASE_CREATED:
        sentence = f"{subject} was opened{_by(by)}"
    elif event_type == NotificationEvent.CASE_UPDATED:
        sentence = f"{subject} {_join(_update_clauses(detail))}{_by(by)}"
    elif event_type == NotificationEvent.TASK_OVERDUE:
        sentence = f"{subject} has an overdue task"
    elif event_type == NotificationEvent.SLA_BREACHED:
        sentence = f"{subject} {_breach_clause(detail)}"
    elif event_type == NotificationEvent.RULE_NOTIFY:
        sentence = f"{subject} matched the rule {detail.get('ruleName')}"
    elif event_type in _ITEM_VERBS:
        sentence = f"{subject} had {_item_words(detail)} {_ITEM_VERBS[event_type]}{_by(by)}"
    elif event_type == "CASE.MERGED":
        sentence = f"{subject} had a duplicate case merged into it{_by(by)}"
    else:
        sentence = f"{subject}: {event_type}"
    return NotificationMessage(sentence=sentence + ".", link=case_link(link_base_url, detail.get("caseId")))


def message_for_person(detail: dict[str, Any], message: NotificationMessage, *, mentioned: bool) -> NotificationMessage:
    """What a watcher reads (the event's message), or someone a comment mentions: who mentioned
    them where; the comment itself stays behind the link, like every other content."""
    if not mentioned:
        return message
    by = (detail.get("performedBy") or {}).get("name") or "Someone"
    return NotificationMessage(sentence=f"{by} mentioned you in a comment on {_case_label(detail)}.", link=message.link)


# A timeline change, told by what happened to which kind of item.
_ITEM_VERBS = {"RELATED_ITEM.CREATED": "added", "RELATED_ITEM.UPDATED": "edited", "RELATED_ITEM.DELETED": "removed"}
_ITEM_WORDS = {"comment": "a comment", "contact": "a contact", "file": "a file", "connectCase": "a linked case", "custom": "an item", "task": "a task", "sla": "an SLA"}


def _item_words(detail: dict[str, Any]) -> str:
    return _ITEM_WORDS.get((detail.get("relatedItem") or {}).get("type"), "an item")


def _breach_clause(detail: dict[str, Any]) -> str:
    """Which SLA, and how late the sweeper found it (its target was `targetTime`)."""
    sla = (detail.get("relatedItem") or {}).get("content") or {}
    if not sla.get("targetTime") or not detail.get("approximateChangeTime"):
        return "breached its SLA"
    late = datetime.fromisoformat(detail["approximateChangeTime"]) - datetime.fromisoformat(sla["targetTime"])
    return f"breached its SLA {sla.get('name')} ({sla.get('targetMinutes')} business minutes) by {_duration(late)}"


def _duration(late: timedelta) -> str:
    minutes = max(0, int(late.total_seconds() // 60))
    if minutes < 1:
        return "less than a minute"
    hours, minutes = divmod(minutes, 60)
    return " ".join(part for part in (f"{hours} h" if hours else "", f"{minutes} min" if minutes else "") if part)


def _case_label(detail: dict[str, Any]) -> str:
    case = detail.get("case") or {}
    reference = case.get("referenceNumber") or detail.get("caseId") or "?"
    traits = [t for t in (case.get("priority"), case.get("category")) if t]
    return f"Case {reference} ({', '.join(traits)})" if traits else f"Case {reference}"


def _update_clauses(detail: dict[str, Any]) -> list[str]:
    changes = {c.get("fieldId"): c for c in detail.get("changes") or ()}
    case = detail.get("case") or {}
    if (changes.get("mergedInto") or {}).get("newValue"):
        return [f"was merged into case {changes['mergedInto']['newValue']} and closed"]
    clauses = []
    if "assignee" in changes or "queue" in changes:
        clauses.append(_assignment_clause(changes, case))
    if "status" in changes:
        status = changes["status"]
        clauses.append(f"moved from {_words(status.get('oldValue'))} to {_words(status.get('newValue'))}")
    if "priority" in changes:
        priority = changes["priority"]
        clauses.append(f"changed priority from {priority.get('oldValue')} to {priority.get('newValue')}")
    others = [field for field in changes if field not in _DESCRIBED_FIELDS]
    if others:
        clauses.append(f"had its {_join(others)} updated")
    return clauses or ["was updated"]


def _assignment_clause(changes: dict[str, dict], case: dict[str, Any]) -> str:
    def value(field: str, side: str):
        return changes[field].get(side) if field in changes else case.get(field)

    before = _holder(value("assignee", "oldValue"), value("queue", "oldValue"))
    after = _holder(value("assignee", "newValue"), value("queue", "newValue"))
    if before == after:  # the queue moved under the same assignee
        return f"was moved from the {value('queue', 'oldValue')} queue to the {value('queue', 'newValue')} queue"
    if before is None:
        return f"was assigned to {after}"
    if after is None:
        return f"was unassigned from {before}"
    return f"was reassigned from {before} to {after}"


def _holder(assignee: str | None, queue: str | None) -> str | None:
    if assignee:
        return assignee
    return f"the {queue} queue" if queue else None


def _words(value: Any) -> str:
    return str(value).replace("_", " ") if value is not None else "nothing"


def _by(name: str | None) -> str:
    return f" by {name}" if name else ""


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
