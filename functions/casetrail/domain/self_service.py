"""What a caller may hear and do on their own, in a contact flow (IVR or chat bot): pure rules.

The status message is read by a text-to-speech voice: one short sentence or two, the reference
number spoken digit by digit, dates said relative to today ("tomorrow", "on Friday").
"""

from datetime import date, datetime

from casetrail.domain.cases import Case
from casetrail.domain.errors import Forbidden
from casetrail.domain.reference_numbers import speakable
from casetrail.domain.statuses import WORKING, CaseStatus

_STATUS_PHRASES = {
    CaseStatus.OPEN: "is open",
    CaseStatus.IN_PROGRESS: "is in progress",
    CaseStatus.PENDING_CUSTOMER: "is waiting for information from you",
    CaseStatus.RESOLVED: "has been resolved",
    CaseStatus.CLOSED: "is closed",
}
_WEEK_AHEAD_DAYS = 6


def status_message(case: Case, *, next_task_name: str | None, next_task_due_at: datetime | None, now: datetime) -> str:
    """"Your case 1 0 0 0 9 about a billing dispute is in progress. A callback is scheduled for tomorrow." """
    subject = case.category or case.title
    sentence = f"Your case {speakable(case.reference_number)} about {_spoken_subject(subject)} {_STATUS_PHRASES[case.status]}."
    if next_task_due_at is None:
        return sentence
    what = "A callback" if next_task_name and "call" in next_task_name.lower() else "A follow-up"
    due = next_task_due_at.astimezone(now.tzinfo).date()
    if due < now.date():
        return f"{sentence} {what} is overdue and our team has been alerted."
    return f"{sentence} {what} is scheduled for {_spoken_day(due, now.date())}."


def _spoken_subject(subject: str) -> str:
    # "Billing dispute" reads as "a billing dispute" mid-sentence; "VIP refund" keeps its acronym.
    words = subject.strip().rstrip(".")
    if len(words) > 1 and words[0].isupper() and not words[1].isupper():
        words = words[0].lower() + words[1:]
    article = "an" if words[:1].lower() in "aeiou" else "a"
    return f"{article} {words}"


def _spoken_day(day: date, today: date) -> str:
    days = (day - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days <= _WEEK_AHEAD_DAYS:
        return day.strftime("%A")
    return day.strftime("%B ") + str(day.day)


def customer_status_change(current: CaseStatus, requested: CaseStatus) -> CaseStatus:
    """The statuses a caller may set themselves: confirm that a case in work is resolved, or reopen
    a resolved one. Anything else (closing, parking a case...) is for agents."""
    if requested is CaseStatus.RESOLVED and current in WORKING:
        return requested
    if requested is CaseStatus.OPEN and current is CaseStatus.RESOLVED:
        return requested
    raise Forbidden(
        f"a caller may not move a case from {current.value} to {requested.value}",
        details={"from": current.value, "to": requested.value},
    )
