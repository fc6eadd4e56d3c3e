"""Conditional fields of a template (Amazon Connect Cases' "case rules"): when a field is required,
when it is hidden, and which options a single-select field offers given its parent field's value.

Pure: the rules are evaluated on a case's values (its custom fields plus a few case attributes),
so the same code answers a form (`POST /templates/{id}/test`) and guards every write.

Decisions (README, "Conditional fields"):
- A hidden field holds no value: a value on it is refused (422), never silently dropped; a default
  is not filled in while its field is hidden; hidden wins over required.
- A child field whose parent is empty or has no mapping for its value offers nothing.
- A write is checked against the rules it touches (a rule's field, or a field its condition reads):
  a case that broke a rule added later still takes unrelated changes.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Protocol

from pydantic import Field, model_serializer, model_validator

from casetrail.domain.errors import InvalidFieldValues
from casetrail.domain.model_base import CommandModel, bounded_text

MAX_CONDITIONS = 5  # comparisons per rule, as Connect allows
# Case attributes a condition may read besides the template's own fields (by these names).
CASE_ATTRIBUTES = ("status", "priority", "category", "queue", "assignee")
CUSTOM_PREFIX = "fields."
RuleValue = bool | int | float | str | None
OptionText = bounded_text(100)


class Comparison(CommandModel):
    field_id: Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,63}$", description="A field of the template, or one of " + ", ".join(CASE_ATTRIBUTES))]
    value: RuleValue = Field(default=None, description="null compares with an empty field")


class Condition(CommandModel):
    """Exactly one of `equalTo`, `notEqualTo`, `andAll`, `orAll`."""

    equal_to: Comparison | None = None
    not_equal_to: Comparison | None = None
    and_all: Annotated[list["Condition"], Field(min_length=1, max_length=MAX_CONDITIONS)] | None = None
    or_all: Annotated[list["Condition"], Field(min_length=1, max_length=MAX_CONDITIONS)] | None = None

    @model_validator(mode="after")
    def _exactly_one(self):
        if sum(part is not None for part in (self.equal_to, self.not_equal_to, self.and_all, self.or_all)) != 1:
            raise ValueError("a condition is exactly one of equalTo, notEqualTo, andAll, orAll")
        return self

    @model_serializer(mode="wrap")
    def _only_the_one_set(self, handler):
        return {name: value for name, value in handler(self).items() if value is not None}

    def comparisons(self) -> list[Comparison]:
        if self.equal_to or self.not_equal_to:
            return [self.equal_to or self.not_equal_to]
        return [c for child in (self.and_all or self.or_all) for c in child.comparisons()]

    def holds(self, values: Mapping[str, Any]) -> bool:
        if self.equal_to is not None:
            return values.get(self.equal_to.field_id) == self.equal_to.value
        if self.not_equal_to is not None:
            return values.get(self.not_equal_to.field_id) != self.not_equal_to.value
        if self.and_all is not None:
            return all(child.holds(values) for child in self.and_all)
        return any(child.holds(values) for child in self.or_all)

    def describe(self) -> str:
        if self.equal_to is not None:
            return f"{self.equal_to.field_id} equals {self.equal_to.value!r}"
        if self.not_equal_to is not None:
            return f"{self.not_equal_to.field_id} is not {self.not_equal_to.value!r}"
        joiner = " and " if self.and_all is not None else " or "
        return "(" + joiner.join(child.describe() for child in (self.and_all or self.or_all)) + ")"


class OptionsFrom(CommandModel):
    """The options a single-select field offers for each value of its parent field."""

    parent_field_id: Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,63}$")]
    mappings: Annotated[dict[OptionText, list[OptionText]], Field(min_length=1, max_length=100)]


class RuledField(Protocol):
    """What the rules need of a template field (domain/templates.py's TemplateField)."""

    field_id: str
    required: bool
    required_when: Condition | None
    hidden_when: Condition | None
    options_from: OptionsFrom | None


@dataclass(frozen=True)
class FormState:
    """What a form shows for these values: required and hidden fields, options offered, and what a
    write of them would be refused for (field id → the reason, naming the rule)."""

    required: list[str]
    hidden: list[str]
    options: dict[str, list[str]]
    issues: dict[str, str] = field(default_factory=dict)
    rules: list[str] = field(default_factory=list)


def rule_values(fields: Mapping[str, Any], attributes: Mapping[str, Any]) -> dict[str, Any]:
    """The values conditions read: the case's custom fields and its attributes (enums as values)."""
    plain = {name: getattr(value, "value", value) for name, value in attributes.items() if name in CASE_ATTRIBUTES}
    return {**plain, **fields}


def has_rules(fields: Iterable[RuledField]) -> bool:
    return any(f.required_when or f.hidden_when or f.options_from for f in fields)


def evaluate(fields: list[RuledField], values: Mapping[str, Any], touched: set[str] | None = None) -> FormState:
    """The form for `values`. `touched` (field ids and attribute names a write changed; None for a
    new case) limits the issues to the rules that write touches."""
    hidden = [f.field_id for f in fields if f.hidden_when is not None and f.hidden_when.holds(values)]
    required = [
        f.field_id
        for f in fields
        if f.field_id not in hidden and (f.required or (f.required_when is not None and f.required_when.holds(values)))
    ]
    options = {f.field_id: list(f.options_from.mappings.get(values.get(f.options_from.parent_field_id), [])) for f in fields if f.options_from}
    issues: dict[str, str] = {}
    rules: list[str] = []

    template_ids = {f.field_id for f in fields}

    def touches(entry: RuledField, condition: Condition | None, *extra: str) -> bool:
        if touched is None:
            return True
        if entry.required and condition is None and not extra:  # as before rules: any field change checks them
            return bool(touched & template_ids)
        reads = {c.field_id for c in condition.comparisons()} if condition else set()
        return bool(touched & ({entry.field_id, *extra} | reads))

    for entry in fields:
        present = values.get(entry.field_id) is not None
        if entry.field_id in hidden and present and touches(entry, entry.hidden_when):
            issues[entry.field_id] = f"hidden while {entry.hidden_when.describe()} (rule {entry.field_id}.hiddenWhen): send null to clear it"
            rules.append(f"{entry.field_id}.hiddenWhen")
        elif entry.field_id in required and not present and touches(entry, entry.required_when if not entry.required else None):
            if entry.required:
                issues[entry.field_id] = "required by the template"
            else:
                issues[entry.field_id] = f"required when {entry.required_when.describe()} (rule {entry.field_id}.requiredWhen)"
                rules.append(f"{entry.field_id}.requiredWhen")
        elif entry.options_from and present and entry.field_id not in hidden and touches(entry, None, entry.options_from.parent_field_id):
            offered = options[entry.field_id]
            if values[entry.field_id] not in offered:
                parent = entry.options_from.parent_field_id
                issues[entry.field_id] = f"expected one of {offered} when {parent} is {values.get(parent)!r} (rule {entry.field_id}.optionsFrom)"
                rules.append(f"{entry.field_id}.optionsFrom")
    return FormState(required=required, hidden=hidden, options=options, issues=issues, rules=rules)


def enforce(state: FormState) -> None:
    """422 INVALID_FIELD_VALUES: `details.fields` says what is wrong with each field and
    `details.rules` names the conditional rules broken (`<fieldId>.requiredWhen|hiddenWhen|optionsFrom`)."""
    if not state.issues:
        return
    if not state.rules:
        raise InvalidFieldValues("required fields are missing", details={"fields": state.issues})
    raise InvalidFieldValues(
        f"the case breaks its template's rules: {', '.join(state.rules)}", details={"fields": state.issues, "rules": state.rules}
    )


def touched_ids(changed_field_ids: Iterable[str]) -> set[str]:
    """Audit change ids (`status`, `fields.reason`) as the names conditions use."""
    return {name.removeprefix(CUSTOM_PREFIX) for name in changed_field_ids}

