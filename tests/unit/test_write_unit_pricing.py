"""bench.write_units prices writes as DynamoDB bills them: its figures are only as good as these rules."""

from bench.write_units import WriteLedger
from casetrail.store.tables import IndexSpec, TableSpec

INDEXES = (
    IndexSpec(name="byAll", partition_key="byAllpk", sort_key="byAllsk"),
    IndexSpec(name="byKeys", partition_key="byKeyspk", sort_key="byKeyssk", projection="KEYS_ONLY"),
)
SPEC = TableSpec(logical_id="Cases", env_var="X", partition_key="pk", sort_key="sk", indexes=INDEXES)


def item(**attributes) -> dict:
    return {name: {"S": value} for name, value in {"pk": "T#t#CASE#1", "sk": "CASE", **attributes}.items()}


def priced(old, new, transactional=False) -> dict:
    ledger = WriteLedger({"cases": SPEC})
    ledger.price("cases", {"pk": {"S": "T#t#CASE#1"}, "sk": {"S": "CASE"}}, old, new, transactional)
    return {where: units for (_, where), units in ledger.units.items() if units}


def test_a_new_item_costs_a_unit_per_started_kb_twice_in_a_transaction_and_one_write_per_index_it_lands_in():
    new = item(byAllpk="A", byAllsk="1", byKeyspk="K", byKeyssk="1", body="x" * 1500)
    assert priced(None, new, transactional=True) == {"base": 4, "byAll": 2, "byKeys": 1}


def test_an_edit_rewrites_an_all_copy_but_not_a_keys_only_entry_whose_keys_stay():
    old = item(byAllpk="A", byAllsk="1", byKeyspk="K", byKeyssk="1", body="before")
    assert priced(old, {**old, "body": {"S": "after"}}) == {"base": 1, "byAll": 1}


def test_a_moved_index_key_is_a_delete_and_a_put_and_an_item_without_the_keys_is_in_no_index():
    old = item(byKeyspk="K", byKeyssk="1")
    assert priced(old, item(byKeyspk="K", byKeyssk="2")) == {"base": 1, "byKeys": 2}
    assert priced(item(), item(body="y")) == {"base": 1}
