"""Sizes as AWS counts them, and the budgets that keep every change of a case recordable."""

from datetime import UTC, datetime

import pytest

from casetrail.domain.cases import CasePatch, NewCase, open_case, update_case
from casetrail.domain.identity import Principal, Role
from casetrail.outbound.bus_entries import entry_size, event_entry
from casetrail.store.cases import _audit_item, _case_item
from casetrail.store.dynamo import serialize
from casetrail.store.item_sizes import CASE_RECORD_BUDGET, DYNAMODB_ITEM_LIMIT, item_size

AGENT = Principal(tenant_id="tenant-with-a-long-name", principal_id="p" * 64, name="n" * 128, role=Role.AGENT)
AT = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def test_item_size_counts_names_and_values_as_dynamodb_does():
    assert item_size({"pk": {"S": "T#a"}}) == 2 + 3
    assert item_size({"n": {"N": "0012.3400"}}) == 1 + (2 + 1)  # 1234: two bytes for four digits, plus one
    assert item_size({"ok": {"BOOL": True}, "no": {"NULL": True}}) == (2 + 1) + (2 + 1)
    assert item_size({"m": {"M": {"a": {"S": "xy"}}}}) == 1 + 3 + (1 + 2 + 1)  # a map: 3, and 1 per element
    assert item_size({"l": {"L": [{"S": "中"}, {"S": "😀"}]}}) == 1 + 3 + (3 + 1) + (4 + 1)  # UTF-8 bytes


def test_entry_size_counts_the_time_and_the_utf8_bytes_of_source_detail_type_and_detail():
    entry = event_entry({"approximateChangeTime": "2026-11-30T12:00:00Z", "t": "中"}, "bus")
    assert entry["Detail"] == '{"approximateChangeTime":"2026-11-30T12:00:00Z","t":"中"}'  # not "\\u4e2d"
    assert entry_size(entry) == 14 + len("casetrail") + len("Casetrail Case Change") + len(entry["Detail"].encode())


def _case_at_budget(char: str):
    """A case with every text at its maximum, and 4,100-character text fields up to its budget."""

    def opened(field_count: int):
        command = NewCase(
            title=char * 200,
            customer_id="c" * 128,
            description=char * 10_000,
            category=char * 100,
            assignee="a" * 128,
            queue="q" * 128,
            tags=[f"{i:02d}{char * 48}" for i in range(20)],
            fields={f"f{i:063d}": char * 4_100 for i in range(field_count)},
        )
        return open_case(command, case_id="c" * 36, reference_number="1000000009", by=AGENT, at=AT).case

    count = 0
    while item_size(serialize(_case_item(opened(count + 1)))) <= CASE_RECORD_BUDGET:
        count += 1
    return opened(count)


@pytest.mark.parametrize("char", ["a", "中", "😀"], ids=["ascii", "cjk", "emoji"])
def test_a_patch_rewriting_every_text_of_a_case_at_its_budget_is_still_recordable(char):
    # Given a case at its budget
    case = _case_at_budget(char)
    # When one patch rewrites every text of it
    patch = CasePatch(
        title="Z" + case.title[1:],
        description="Z" + case.description[1:],
        category="Z" + case.category[1:],
        tags=["Z" + tag[1:] for tag in case.tags],
        fields={field_id: "Z" + value[1:] for field_id, value in case.fields.items()},
    )
    change = update_case(case, patch, by=AGENT, at=AT)
    # Then its audit record (the case after, every old and new value) fits DynamoDB with room to
    # spare for what Casetrail itself adds to a case (SLAs)
    assert item_size(serialize(_audit_item(change))) <= DYNAMODB_ITEM_LIMIT - 16 * 1024
