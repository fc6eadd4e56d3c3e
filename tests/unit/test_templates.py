"""Checking a case's custom field values against the tenant's field definitions and its template."""

from datetime import UTC, datetime

import pytest

from casetrail.domain.errors import InvalidFieldValues, UnknownReference
from casetrail.domain.templates import (
    FieldDefinition,
    FieldType,
    Template,
    TemplateField,
    case_fields_from_template,
    changed_field_values,
    check_case_rules,
    check_template_fields,
)

AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _field(field_id: str, kind: FieldType, **extra) -> FieldDefinition:
    return FieldDefinition(field_id=field_id, tenant_id="demo", name=field_id, type=kind, created_at=AT, updated_at=AT, **extra)


DEFINITIONS = {
    "orderNumber": _field("orderNumber", FieldType.TEXT),
    "amount": _field("amount", FieldType.NUMBER),
    "urgent": _field("urgent", FieldType.BOOLEAN),
    "orderedAt": _field("orderedAt", FieldType.DATETIME),
    "reason": _field("reason", FieldType.SINGLE_SELECT, options=["damaged", "late"]),
    "receipt": _field("receipt", FieldType.URL),
    "approver": _field("approver", FieldType.USER),
    "legacyCode": _field("legacyCode", FieldType.TEXT, active=False),
}
REFUND = Template(
    template_id="refund",
    tenant_id="demo",
    name="Refund",
    fields=[TemplateField(field_id="orderNumber", required=True), TemplateField(field_id="reason", default_value="damaged")],
    created_at=AT,
    updated_at=AT,
)


def test_a_template_fills_in_its_defaults():
    values = case_fields_from_template(REFUND, {"orderNumber": "A-1"}, DEFINITIONS)
    assert values == {"orderNumber": "A-1", "reason": "damaged"}


def test_a_required_field_missing_is_named_in_the_error():
    with pytest.raises(InvalidFieldValues) as raised:
        case_fields_from_template(REFUND, {}, DEFINITIONS)
    assert raised.value.details == {"fields": {"orderNumber": "required by the template"}}


@pytest.mark.parametrize(
    ("field_id", "value"),
    [("amount", "12"), ("amount", True), ("urgent", "yes"), ("orderedAt", "yesterday"), ("orderedAt", "2026-11-02T09:00:00"),
     ("reason", "lost"), ("receipt", "ftp://x.example.com"), ("approver", "two words"), ("orderNumber", 7)],
)
def test_a_value_of_the_wrong_type_is_refused(field_id, value):
    with pytest.raises(InvalidFieldValues) as raised:
        changed_field_values({}, {field_id: value}, DEFINITIONS)
    assert field_id in raised.value.details["fields"]


def test_valid_values_are_stored_typed_and_date_times_in_utc():
    values = changed_field_values(
        {},
        {"amount": 12.5, "urgent": False, "orderedAt": "2026-11-02T10:00:00+01:00", "reason": "late", "receipt": "https://r.example.com/1", "approver": "p-7"},
        DEFINITIONS,
    )
    assert values["orderedAt"] == "2026-11-02T09:00:00Z"
    assert values["urgent"] is False and values["amount"] == 12.5


def test_an_unknown_field_is_refused():
    with pytest.raises(InvalidFieldValues):
        changed_field_values({}, {"colour": "red"}, DEFINITIONS)


def test_an_inactive_field_takes_no_new_value_but_keeps_its_old_one_and_can_be_cleared():
    with pytest.raises(InvalidFieldValues):
        changed_field_values({}, {"legacyCode": "X"}, DEFINITIONS)
    assert changed_field_values({"legacyCode": "X"}, {"amount": 1}, DEFINITIONS) == {"legacyCode": "X", "amount": 1}
    assert changed_field_values({"legacyCode": "X"}, {"legacyCode": None}, DEFINITIONS) == {}


def test_a_required_field_cannot_be_cleared_on_a_case_of_the_template():
    cleared = changed_field_values({"orderNumber": "A-1"}, {"orderNumber": None}, DEFINITIONS)
    with pytest.raises(InvalidFieldValues):
        check_case_rules(REFUND, cleared, {}, touched={"orderNumber"})


def test_an_inactive_template_opens_no_new_case():
    with pytest.raises(UnknownReference):
        case_fields_from_template(REFUND.model_copy(update={"active": False}), {"orderNumber": "A-1"}, DEFINITIONS)


def test_a_template_naming_an_unknown_field_or_an_invalid_default_is_refused():
    with pytest.raises(InvalidFieldValues) as raised:
        check_template_fields([TemplateField(field_id="colour"), TemplateField(field_id="reason", default_value="lost")], DEFINITIONS)
    assert set(raised.value.details["fields"]) == {"colour", "reason"}
