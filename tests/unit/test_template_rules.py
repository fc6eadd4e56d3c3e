"""Conditional fields: what a template's rules require, hide and offer for a case's values."""

import pytest
from pydantic import ValidationError

from casetrail.domain.errors import InvalidFieldValues
from casetrail.domain.template_rules import Condition, enforce, evaluate
from casetrail.domain.templates import FieldType, TemplateField, check_template_fields
from tests.unit.test_templates import _field

DEFINITIONS = {
    "reason": _field("reason", FieldType.SINGLE_SELECT, options=["damaged", "late", "other"]),
    "detail": _field("detail", FieldType.SINGLE_SELECT, options=["broken", "scratched", "carrier delay"]),
    "receipt": _field("receipt", FieldType.URL),
    "goodwill": _field("goodwill", FieldType.BOOLEAN),
    "approvedBy": _field("approvedBy", FieldType.USER),
}
FIELDS = [
    TemplateField(field_id="reason"),
    TemplateField.model_validate(
        {
            "fieldId": "detail",
            "optionsFrom": {"parentFieldId": "reason", "mappings": {"damaged": ["broken", "scratched"], "late": ["carrier delay"]}},
            "hiddenWhen": {"equalTo": {"fieldId": "reason", "value": "other"}},
        }
    ),
    TemplateField.model_validate({"fieldId": "receipt", "requiredWhen": {"equalTo": {"fieldId": "reason", "value": "damaged"}}}),
    TemplateField(field_id="goodwill"),
    TemplateField.model_validate(
        {
            "fieldId": "approvedBy",
            "requiredWhen": {"andAll": [{"equalTo": {"fieldId": "goodwill", "value": True}}, {"notEqualTo": {"fieldId": "status", "value": "open"}}]},
        }
    ),
]


def test_a_field_is_required_only_while_its_condition_holds():
    assert "receipt" in evaluate(FIELDS, {"reason": "damaged"}).required
    assert "receipt" not in evaluate(FIELDS, {"reason": "late"}).required


def test_and_all_reads_case_attributes_too():
    assert "approvedBy" not in evaluate(FIELDS, {"goodwill": True, "status": "open"}).required
    assert "approvedBy" in evaluate(FIELDS, {"goodwill": True, "status": "resolved"}).required


def test_or_all_holds_when_any_condition_does():
    condition = Condition.model_validate({"orAll": [{"equalTo": {"fieldId": "a", "value": 1}}, {"equalTo": {"fieldId": "b", "value": 2}}]})
    assert condition.holds({"b": 2}) and not condition.holds({"a": 2, "b": 1})


def test_a_child_offers_the_options_mapped_to_its_parents_value_and_nothing_without_one():
    assert evaluate(FIELDS, {"reason": "damaged"}).options == {"detail": ["broken", "scratched"]}
    assert evaluate(FIELDS, {}).options == {"detail": []}


def test_an_option_the_parent_does_not_offer_is_refused_naming_the_rule():
    state = evaluate(FIELDS, {"reason": "late", "detail": "broken"})

    assert state.rules == ["detail.optionsFrom"]
    with pytest.raises(InvalidFieldValues) as refused:
        enforce(state)
    assert refused.value.details["rules"] == ["detail.optionsFrom"] and "detail" in refused.value.details["fields"]


def test_a_value_on_a_hidden_field_is_refused_and_hidden_beats_required():
    hidden = evaluate(FIELDS, {"reason": "other", "detail": "broken"})
    assert hidden.hidden == ["detail"] and hidden.rules == ["detail.hiddenWhen"]

    required_but_hidden = [TemplateField.model_validate({"fieldId": "detail", "required": True, "hiddenWhen": {"equalTo": {"fieldId": "reason", "value": "other"}}})]
    assert evaluate(required_but_hidden, {"reason": "other"}).issues == {}


def test_a_change_is_checked_only_against_the_rules_it_touches():
    broken = {"reason": "damaged"}  # receipt missing, e.g. since the rule was added

    assert evaluate(FIELDS, broken, touched={"goodwill"}).issues == {}
    assert evaluate(FIELDS, broken, touched={"reason"}).rules == ["receipt.requiredWhen"]


def test_a_condition_is_exactly_one_thing():
    with pytest.raises(ValidationError):
        Condition.model_validate({"equalTo": {"fieldId": "a", "value": 1}, "orAll": [{"equalTo": {"fieldId": "b", "value": 1}}]})


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ({"fieldId": "receipt", "requiredWhen": {"equalTo": {"fieldId": "colour", "value": "red"}}}, "neither a field"),
        ({"fieldId": "receipt", "requiredWhen": {"equalTo": {"fieldId": "receipt", "value": None}}}, "its own field"),
        ({"fieldId": "receipt", "requiredWhen": {"equalTo": {"fieldId": "reason", "value": "lost"}}}, "can never be"),
        ({"fieldId": "receipt", "requiredWhen": {"equalTo": {"fieldId": "status", "value": "resolvd"}}}, "status can never be"),
        ({"fieldId": "receipt", "requiredWhen": {"orAll": [{"andAll": [{"equalTo": {"fieldId": "reason", "value": "late"}}] * 3}] * 2}}, "at most 5"),
        ({"fieldId": "detail", "optionsFrom": {"parentFieldId": "reason", "mappings": {"lost": ["broken"]}}}, "reason has no option"),
        ({"fieldId": "detail", "optionsFrom": {"parentFieldId": "reason", "mappings": {"late": ["dented"]}}}, "detail has no option"),
        ({"fieldId": "receipt", "optionsFrom": {"parentFieldId": "reason", "mappings": {"late": ["x"]}}}, "only a singleSelect"),
    ],
)
def test_a_rule_that_cannot_work_is_refused_naming_it(entry, problem):
    fields = [TemplateField(field_id="reason"), TemplateField.model_validate(entry)]
    with pytest.raises(InvalidFieldValues) as refused:
        check_template_fields(fields, DEFINITIONS)
    issue = refused.value.details["fields"][entry["fieldId"]]
    assert problem in issue and f"rule {entry['fieldId']}." in issue
