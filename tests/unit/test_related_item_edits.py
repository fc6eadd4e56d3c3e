"""Editing related items: which types take which keys, what the audit records, lost updates."""

from datetime import timedelta

import pytest

from casetrail.domain.errors import Conflict, Forbidden, VersionConflict
from casetrail.domain.events import ChangeType, PerformedBy
from casetrail.domain.identity import Principal, Role
from casetrail.domain.related_items import RelatedItem, RelatedItemPatch, RelatedItemType, edit_related_item
from tests.unit.test_case_lifecycle import AGENT, T0, new_case

OTHER = Principal(tenant_id="demo", principal_id="p-2", name="Otto", role=Role.AGENT)
LATER = T0 + timedelta(minutes=3)


def _item(item_type: RelatedItemType, content: dict, revision: int = 1) -> RelatedItem:
    return RelatedItem(
        related_item_id="ri-1",
        case_id="case-1",
        tenant_id="demo",
        type=item_type,
        content=content,
        created_at=T0,
        created_by=PerformedBy.of(AGENT),
        revision=revision,
    )


def _edit(item, by=AGENT, expected_revision=None, **patch):
    return edit_related_item(
        new_case(), item, RelatedItemPatch.model_validate(patch), by=by, at=LATER, expected_revision=expected_revision
    )


def test_a_custom_items_values_merge_and_each_key_is_audited_old_to_new():
    item = _item(RelatedItemType.CUSTOM, {"values": {"rma": "R-1", "carrier": "UPS", "weight": 2}})

    change = _edit(item, by=OTHER, values={"rma": "R-2", "carrier": None, "tracking": "1Z9"})

    assert change.event_type is ChangeType.RELATED_ITEM_UPDATED and change.case_version == 2
    assert change.related_item.content["values"] == {"rma": "R-2", "weight": 2, "tracking": "1Z9"}
    assert change.related_item.revision == 2 and change.related_item.updated_at == LATER
    assert [(c.field_id, c.old_value, c.new_value) for c in change.changes] == [
        ("content.values.rma", "R-1", "R-2"),
        ("content.values.carrier", "UPS", None),
        ("content.values.tracking", None, "1Z9"),
    ]


def test_a_contacts_summary_is_written_by_anyone_and_cleared_with_null():
    item = _item(RelatedItemType.CONTACT, {"contactId": "ct-1", "summary": "Charged twice"})

    assert (
        _edit(item, by=OTHER, summary="Charged twice; refund issued").related_item.content["summary"]
        == "Charged twice; refund issued"
    )
    assert "summary" not in _edit(item, summary=None).related_item.content


def test_an_edit_that_changes_nothing_is_no_change():
    assert _edit(_item(RelatedItemType.CUSTOM, {"values": {"rma": "R-1"}}), values={"rma": "R-1", "gone": None}) is None


@pytest.mark.parametrize(
    ("item_type", "patch"),
    [
        (RelatedItemType.FILE, {"summary": "x"}),
        (RelatedItemType.CONTACT, {"body": "rewritten"}),
        (RelatedItemType.CUSTOM, {"summary": "x"}),
        (RelatedItemType.COMMENT, {"values": {"a": 1}}),
    ],
)
def test_each_type_takes_only_its_own_keys(item_type, patch):
    with pytest.raises(Conflict):
        _edit(_item(item_type, {"body": "b"}), **patch)


def test_a_custom_item_keeps_at_least_one_value():
    with pytest.raises(Conflict):
        _edit(_item(RelatedItemType.CUSTOM, {"values": {"rma": "R-1"}}), values={"rma": None})


def test_a_comment_stays_its_authors():
    with pytest.raises(Forbidden):
        _edit(_item(RelatedItemType.COMMENT, {"body": "mine"}), by=OTHER, body="yours")


def test_a_stale_revision_is_a_version_conflict():
    with pytest.raises(VersionConflict) as stale:
        _edit(_item(RelatedItemType.CUSTOM, {"values": {"rma": "R-1"}}, revision=3), expected_revision=2, values={"rma": "R-2"})
    assert stale.value.details == {"currentVersion": 3}


def test_an_item_stored_before_revisions_reads_as_revision_one():
    stored = _item(RelatedItemType.CUSTOM, {"values": {"a": 1}}).model_dump(by_alias=True, mode="json", exclude={"revision"})
    assert RelatedItem.model_validate(stored).revision == 1
