"""What a well-formed Casetrail event is: the one rule every event consumer applies. Pure.

An event (the `detail` of a bus event) is well-formed when it validates against the model its
publisher made it with, which is also its published JSON Schema:
- `CaseChange` for CASE.*, RELATED_ITEM.* and SLA.* (docs/case-event.schema.json),
- `TaskChange` for TASK.*, linked to a case or standalone (docs/task-event.schema.json),
- `RuleEvent` for RULE.NOTIFY and RULE.<name> (domain/rules.py),
- `ErasureEvent` for CASE.DELETED and CUSTOMER.ERASED (docs/erasure-event.schema.json),
and everything it carries belongs to the tenant it names. Its tenant must also exist (checked by
service/event_intake.py, which reads). Anything else is **malformed**.

Every consumer treats the two the same way: a malformed event is refused (a batch item failure: SQS
retries it, then parks it in that consumer's dead-letter queue, which pages ops, and nothing is
written); a well-formed event is never refused for meaning nothing to a consumer (a standalone
task to Billing, an SLA event to Metrics...): that is a success that changes nothing.
"""

from typing import Any

from pydantic import BaseModel, ValidationError

from casetrail.domain.erasure import ERASURE_EVENT_TYPES, ErasureEvent
from casetrail.domain.events import CaseChange
from casetrail.domain.rules import CUSTOM_EVENT_PREFIX, RuleEvent
from casetrail.domain.tasks import TaskChange

TASK_EVENT_PREFIX = "TASK."


class MalformedEvent(ValueError):
    """Not an event Casetrail publishes. The message names the fields, never their values (an
    event may carry a transcript or a customer's details, which must not reach the logs)."""


class UnknownTenant(MalformedEvent):
    pass


def model_for(event_type: Any) -> type[BaseModel] | None:
    if not isinstance(event_type, str):
        return None
    if event_type in ERASURE_EVENT_TYPES:
        return ErasureEvent
    if event_type.startswith(TASK_EVENT_PREFIX):
        return TaskChange
    if event_type.startswith(CUSTOM_EVENT_PREFIX):
        return RuleEvent
    return CaseChange


def check(detail: Any) -> CaseChange | TaskChange | RuleEvent | ErasureEvent:
    """The event as its model, or MalformedEvent saying what is wrong with it."""
    event_type = detail.get("eventType") if isinstance(detail, dict) else None
    model = model_for(event_type)
    if model is None:
        raise MalformedEvent("the detail has no eventType")
    try:
        event = model.model_validate(detail)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors(include_input=False, include_url=False))
        raise MalformedEvent(f"{event_type} does not follow its schema: {problems}") from None
    _check_one_tenant(event)
    return event


def _check_one_tenant(event: CaseChange | TaskChange | RuleEvent | ErasureEvent) -> None:
    owners = [getattr(event, part).tenant_id for part in ("case", "task", "related_item") if getattr(event, part, None) is not None]
    if any(owner != event.tenant_id for owner in owners):
        raise MalformedEvent(f"{event.event_type} carries data of another tenant than its own")
    case = getattr(event, "case", None)
    if case is not None and event.case_id != case.case_id:
        raise MalformedEvent(f"{event.event_type} names another case than the one it carries")
