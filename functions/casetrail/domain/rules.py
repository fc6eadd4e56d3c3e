"""Rules: "when <trigger> and <condition>, do <actions>", per tenant, and their pure evaluation.

`evaluate(rule, detail, case)` says whether a rule matches a case event and what it would change;
the rules consumer applies that plan, POST /rules/{id}/test only shows it. SLAs are assigned by
policy (domain/slas.py), not by a rule action: an "assign an SLA" action is not offered.
"""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import Field, StrictBool, field_validator, model_validator

from casetrail.domain.cases import MAX_TAGS, Case, Category, Tag
from casetrail.domain.events import PerformedBy
from casetrail.domain.model_base import CamelModel, CommandModel, Identifier, bounded_text
from casetrail.domain.related_items import Channel
from casetrail.domain.rule_text import check_regex, contains_phrase, matches_regex, phrase_words
from casetrail.domain.statuses import Priority

MAX_RULES_PER_TENANT = 100  # bounds the one query the consumer makes per event
MAX_CONDITION_NODES = 50
MAX_CONDITION_DEPTH = 6
RULE_PRINCIPAL_PREFIX = "rule:"  # performedBy.principalId of a rule's changes: "rule:<ruleId>"
NOTIFY_EVENT_TYPE = "RULE.NOTIFY"  # a subscriber's NotificationEvent (domain/subscriptions.py)
CUSTOM_EVENT_PREFIX = "RULE."

RuleName = bounded_text(100)
Phrase = Annotated[str, Field(min_length=1, max_length=200)]
Phrases = Annotated[list[Phrase], Field(min_length=1, max_length=50)]
EventName = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,63}$")]


class Trigger(StrEnum):
    ON_CASE_CREATE = "OnCaseCreate"
    ON_CASE_UPDATE = "OnCaseUpdate"
    ON_RELATED_ITEM_CREATE = "OnRelatedItemCreate"
    ON_TASK_OVERDUE = "OnTaskOverdue"
    ON_SLA_BREACH = "OnSlaBreach"


# The bus events the rules consumer receives, and the trigger each one fires.
TRIGGER_BY_EVENT_TYPE = {
    "CASE.CREATED": Trigger.ON_CASE_CREATE,
    "CASE.UPDATED": Trigger.ON_CASE_UPDATE,
    "RELATED_ITEM.CREATED": Trigger.ON_RELATED_ITEM_CREATE,
    "TASK.OVERDUE": Trigger.ON_TASK_OVERDUE,
    "SLA.BREACHED": Trigger.ON_SLA_BREACH,
}

CaseField = Literal["status", "priority", "category", "queue", "assignee", "customerId", "tags"]


# --- conditions: a small recursive language -------------------------------------------------


class FieldEquals(CommandModel):
    type: Literal["fieldEquals"]
    field: CaseField
    value: str | None = Field(description="tags: the case has this tag; null: the field is empty")


class FieldIn(CommandModel):
    type: Literal["fieldIn"]
    field: CaseField
    values: list[str] = Field(min_length=1, max_length=50)


class FieldChangedTo(CommandModel):
    """Only true on a case update that moved the field to this value."""

    type: Literal["fieldChangedTo"]
    field: CaseField
    value: str | None


class ContainsAny(CommandModel):
    """The conversation's text contains at least one of the phrases (whole words, any case)."""

    type: Literal["containsAny"]
    phrases: Phrases

    @field_validator("phrases")
    @classmethod
    def _words(cls, phrases: list[str]) -> list[str]:
        return _with_words(phrases)


class ContainsAll(CommandModel):
    type: Literal["containsAll"]
    phrases: Phrases

    @field_validator("phrases")
    @classmethod
    def _words(cls, phrases: list[str]) -> list[str]:
        return _with_words(phrases)


class Matches(CommandModel):
    """The conversation's text matches a (restricted, case-insensitive) regular expression."""

    type: Literal["matches"]
    pattern: str

    @field_validator("pattern")
    @classmethod
    def _safe(cls, pattern: str) -> str:
        return check_regex(pattern)


class ChannelIs(CommandModel):
    """The contact that triggered the rule came through one of these channels."""

    type: Literal["channel"]
    channels: list[Channel] = Field(min_length=1)


class AllOf(CommandModel):
    type: Literal["and"]
    conditions: list["Condition"] = Field(min_length=1, max_length=20)


class AnyOf(CommandModel):
    type: Literal["or"]
    conditions: list["Condition"] = Field(min_length=1, max_length=20)


class Not(CommandModel):
    type: Literal["not"]
    condition: "Condition"


Condition = Annotated[
    FieldEquals | FieldIn | FieldChangedTo | ContainsAny | ContainsAll | Matches | ChannelIs | AllOf | AnyOf | Not,
    Field(discriminator="type"),
]
# AllOf, AnyOf and Not refer to Condition, defined after them: pydantic resolves it from this module
# when it first builds them (models are built on first use: model_base.py).


def _with_words(phrases: list[str]) -> list[str]:
    for phrase in phrases:
        if not phrase_words(phrase):
            raise ValueError(f"the phrase {phrase!r} has no word in it")
    return phrases


# --- actions -------------------------------------------------------------------------------


class SetCategory(CommandModel):
    type: Literal["setCategory"]
    category: Category


class SetPriority(CommandModel):
    type: Literal["setPriority"]
    priority: Priority


class AddTags(CommandModel):
    type: Literal["addTags"]
    tags: list[Tag] = Field(min_length=1, max_length=20)


class AssignQueue(CommandModel):
    type: Literal["assignQueue"]
    queue: Identifier


class AssignAgent(CommandModel):
    type: Literal["assignAgent"]
    agent: Identifier


class CreateTask(CommandModel):
    """A task linked to the case, due `dueInMinutes` after the event (when given)."""

    type: Literal["createTask"]
    name: bounded_text(200)
    description: bounded_text(2_000) | None = None
    assignee: Identifier | None = None
    queue: Identifier | None = None
    priority: Priority = Priority.NORMAL
    due_in_minutes: int | None = Field(default=None, ge=1, le=525_600)

    @model_validator(mode="after")
    def _someone_owns_it(self):
        if self.assignee is None and self.queue is None:
            raise ValueError("a task needs an assignee or a queue")
        return self


class Notify(CommandModel):
    """Publishes RULE.NOTIFY: subscribers who chose that event hear about the case."""

    type: Literal["notify"]


class EmitEvent(CommandModel):
    """Publishes a custom event RULE.<name> on the bus, carrying the case."""

    type: Literal["emitEvent"]
    name: EventName


Action = Annotated[
    SetCategory | SetPriority | AddTags | AssignQueue | AssignAgent | CreateTask | Notify | EmitEvent,
    Field(discriminator="type"),
]
Actions = Annotated[list[Action], Field(min_length=1, max_length=10)]


def people_named(actions: list[Action] | None) -> list[str]:
    """The userIds the actions would make an assignee (of the case, or of a task they create), in order."""
    named = [action.agent if isinstance(action, AssignAgent) else action.assignee if isinstance(action, CreateTask) else None for action in actions or []]
    return list(dict.fromkeys(person for person in named if person is not None))


# --- the rule ------------------------------------------------------------------------------


class NewRule(CommandModel):
    """Body of POST /rules. No condition means every event of the trigger matches."""

    name: RuleName
    description: bounded_text(1_000) | None = None
    trigger: Trigger
    condition: Condition | None = None
    actions: Actions
    active: StrictBool = True

    _bounded = field_validator("condition")(lambda c: _check_size(c))


class RulePatch(CommandModel):
    """Body of PATCH /rules/{ruleId}: only the fields present change."""

    name: RuleName | None = None
    description: bounded_text(1_000) | None = None
    trigger: Trigger | None = None
    condition: Condition | None = None
    actions: Actions | None = None
    active: StrictBool | None = None

    _bounded = field_validator("condition")(lambda c: _check_size(c))

    @model_validator(mode="after")
    def _changes_something(self):
        for name in ("name", "trigger", "actions", "active"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        if not self.model_fields_set:
            raise ValueError("the patch changes nothing: send at least one field")
        return self


class Rule(CamelModel):
    rule_id: str
    tenant_id: str
    name: str
    description: str | None = None
    trigger: Trigger
    condition: Condition | None = None
    actions: list[Action]
    active: StrictBool
    version: int
    created_at: datetime
    updated_at: datetime
    created_by: str

    def patched(self, patch: RulePatch, *, at: datetime) -> "Rule":
        requested = {name: getattr(patch, name) for name in patch.model_fields_set}
        return self.model_copy(update={**requested, "version": self.version + 1, "updated_at": at})


def _check_size(condition: Any) -> Any:
    nodes, depth = _measure(condition, 1)
    if nodes > MAX_CONDITION_NODES or depth > MAX_CONDITION_DEPTH:
        raise ValueError(f"a condition has at most {MAX_CONDITION_NODES} parts, nested at most {MAX_CONDITION_DEPTH} deep")
    return condition


def _measure(condition: Any, depth: int) -> tuple[int, int]:
    if condition is None:
        return 0, 0
    children = condition.conditions if isinstance(condition, AllOf | AnyOf) else [condition.condition] if isinstance(condition, Not) else []
    measured = [_measure(child, depth + 1) for child in children]
    return 1 + sum(n for n, _ in measured), max([depth, *(d for _, d in measured)])


# --- evaluation ----------------------------------------------------------------------------


class RuleEvent(CamelModel):
    """The detail of an event a rule publishes (RULE.NOTIFY, RULE.<name>): the case after the rule's
    change, which rule, and the event that triggered it."""

    version: Literal["0"] = "0"
    event_id: str = Field(description="Stable for a source event and rule, so consumers can dedupe")
    event_type: Annotated[str, Field(pattern=r"^RULE\.[A-Za-z][A-Za-z0-9_]{0,63}$")]
    approximate_change_time: datetime
    tenant_id: str
    case_id: str
    case_version: int
    rule_id: str
    rule_name: str
    triggered_by: str = Field(description="The eventId of the event that made the rule act")
    performed_by: PerformedBy
    case: Case


class PlannedTask(CamelModel):
    name: str
    description: str | None = None
    assignee: str | None = None
    queue: str | None = None
    priority: Priority
    due_in_minutes: int | None = None


class Outcome(CamelModel):
    """What a rule does with one event: nothing (matched False), or the planned changes."""

    rule_id: str
    rule_name: str
    matched: bool
    reason: str | None = Field(default=None, description="Why it did not match")
    case_changes: dict[str, Any] = Field(default_factory=dict, description="The case fields it sets (PATCH semantics)")
    tasks: list[PlannedTask] = Field(default_factory=list)
    events: list[str] = Field(default_factory=list, description="The event types it publishes")


def is_rule_change(detail: dict[str, Any]) -> bool:
    """A change a rule made: rules never react to it, so they cannot loop."""
    return str((detail.get("performedBy") or {}).get("principalId", "")).startswith(RULE_PRINCIPAL_PREFIX)


def evaluate(rule: Rule, detail: dict[str, Any], case: dict[str, Any]) -> Outcome:
    """Does `rule` match the event `detail`, given the `case` (wire format) as it is now, and what
    would it change? Field conditions read `case`; text and channel conditions read only the event
    (conversation_text), so they judge what happened, whenever the consumer gets to it."""
    def no(reason: str) -> Outcome:
        return Outcome(rule_id=rule.rule_id, rule_name=rule.name, matched=False, reason=reason)

    if not rule.active:
        return no("the rule is inactive")
    if is_rule_change(detail):
        return no("the event is a rule's own change")
    if TRIGGER_BY_EVENT_TYPE.get(detail.get("eventType")) != rule.trigger:
        return no(f"the event does not fire {rule.trigger.value}")
    if rule.condition is not None and not _holds(rule.condition, detail, case):
        return no("the condition does not hold")
    return Outcome(
        rule_id=rule.rule_id,
        rule_name=rule.name,
        matched=True,
        case_changes=_case_changes(rule.actions, case),
        tasks=[PlannedTask.model_validate(a.model_dump(exclude={"type"})) for a in rule.actions if isinstance(a, CreateTask)],
        events=[_event_type(a) for a in rule.actions if isinstance(a, Notify | EmitEvent)],
    )


def conversation_text(detail: dict[str, Any]) -> str:
    """The words a rule reads, all from the event: a new contact's transcript and summary, or a
    comment's body; for case events, the title and description of the case the event carries (as it
    was at that change, not as it is when the rule runs: a rename meanwhile changes nothing)."""
    item = detail.get("relatedItem")
    if item is not None:
        content = item.get("content") or {}
        parts = [content.get("summary"), content.get("transcript"), content.get("body")]
    else:
        snapshot = detail.get("case") or {}
        parts = [snapshot.get("title"), snapshot.get("description")]
    return "\n".join(p for p in parts if isinstance(p, str))


def _holds(condition: Any, detail: dict[str, Any], case: dict[str, Any]) -> bool:
    match condition:
        case AllOf(conditions=children):
            return all(_holds(c, detail, case) for c in children)
        case AnyOf(conditions=children):
            return any(_holds(c, detail, case) for c in children)
        case Not(condition=child):
            return not _holds(child, detail, case)
        case FieldEquals(field=name, value=value):
            return _field_is(case.get(name), value)
        case FieldIn(field=name, values=values):
            return any(_field_is(case.get(name), v) for v in values)
        case FieldChangedTo(field=name, value=value):
            return detail.get("eventType") == "CASE.UPDATED" and any(
                c.get("fieldId") == name and c.get("newValue") == value for c in detail.get("changes") or ()
            )
        case ContainsAny(phrases=phrases):
            text = conversation_text(detail)
            return any(contains_phrase(text, p) for p in phrases)
        case ContainsAll(phrases=phrases):
            text = conversation_text(detail)
            return all(contains_phrase(text, p) for p in phrases)
        case Matches(pattern=pattern):
            return matches_regex(conversation_text(detail), pattern)
        case ChannelIs(channels=channels):
            channel = ((detail.get("relatedItem") or {}).get("content") or {}).get("channel")
            return channel in channels
    raise TypeError(f"unknown condition {condition!r}")


def _field_is(actual: Any, expected: str | None) -> bool:
    if isinstance(actual, list):  # tags: "has this tag"
        return expected in actual
    return actual == expected


def _case_changes(actions: list[Any], case: dict[str, Any]) -> dict[str, Any]:
    """The case fields the actions set, in PATCH form, leaving out what already holds."""
    wanted: dict[str, Any] = {}
    tags = list(case.get("tags") or [])
    for action in actions:
        match action:
            case SetCategory(category=category):
                wanted["category"] = category
            case SetPriority(priority=priority):
                wanted["priority"] = priority.value
            case AssignQueue(queue=queue):
                wanted["queue"] = queue
            case AssignAgent(agent=agent):
                wanted["assignee"] = agent
            case AddTags(tags=new):
                # A case holds at most MAX_TAGS: past it the rule's tags are dropped, not the case's
                # own, and the rule never fails the event (a failing event would only retry).
                tags = list(dict.fromkeys([*tags, *new]))[:MAX_TAGS]
    if tags != list(case.get("tags") or []):
        wanted["tags"] = tags
    return {name: value for name, value in wanted.items() if case.get(name) != value}


def _event_type(action: Notify | EmitEvent) -> str:
    return NOTIFY_EVENT_TYPE if isinstance(action, Notify) else f"{CUSTOM_EVENT_PREFIX}{action.name}"
