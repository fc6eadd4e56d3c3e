"""A patch of moto's DynamoDB TransactWriteItems, so the emulation behaves like DynamoDB when a
transaction is cancelled. Installed by the local runner's moto server and by the tests' and
benchmarks' in-process moto; never by Lambda code (functions/ does not import it).

moto 5.2.5 applies a transaction's writes one by one, checking each condition as it goes, and rolls
a cancelled transaction back by swapping in a deep copy of every table it touched, taken before it
started (one copy per item of the transaction). Three things follow:
- the copy carries its own DynamoDB stream shard, so a stream reader's iterator keeps pointing at the
  old shard: it returns the rolled-back writes (events of changes that never happened) and then
  nothing, forever; a fresh iterator finds the new shard reusing the same sequence numbers;
- every transaction costs O(table size) (the copies), whether it commits or not;
- a write another request makes to the table during the transaction is lost by the swap.
Reported upstream: docs/upstream/moto-transaction-stream.md.

The patch replaces that one method: check every item's condition first, touching nothing; cancel if
any fails (no write, no stream record); else apply the writes with moto's own put/update/delete,
journalling each item's previous value, and undo from the journal (items and stream records of this
transaction only) if a write still fails. Its cost is the transaction's items, not the table's.
Transactions also take one lock, so two concurrent ones (threads in process) are isolated as in
DynamoDB. Outcomes are moto's own but for one precedence: a transaction with both a failing
condition and a write moto refuses as invalid is now cancelled for the condition (moto raised the
ValidationException); the API validates writes before they reach the store, so Casetrail never
sends one.

The patch depends on moto's internals (how a table holds its items and its stream shard's records):
install() fails loudly when the source of any method it replaces or relies on differs from the
moto release it was written for. Then re-check the patch against the new moto (is it still needed?
tests/integration/test_moto_transactions.py says what it must do) and update the fingerprints.
"""

import copy
import hashlib
import inspect
import threading
from typing import Any

from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import (
    ConditionalCheckFailed,
    MockValidationException,
    MultipleTransactionsException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import StreamShard, Table

WRITTEN_FOR_MOTO = "5.2.5"
# sha256 of the source of each moto method the patch replaces or relies on, in WRITTEN_FOR_MOTO.
FINGERPRINTS = {
    DynamoDBBackend.transact_write_items: "81db2cb7d94e39c9",  # replaced: the behaviour reproduced
    Table.put_item: "de23933013ef8426",  # items stored in table.items[hash][range]; one stream record
    Table.delete_item: "1594f7b07616c8cb",  # the same layout; one stream record
    StreamShard.add: "357dc6da267e5dd7",  # a stream record is appended to shard.items
}
MAX_ITEMS_PER_TRANSACTION = 100
OPERATIONS = {"ConditionCheck", "Put", "Delete", "Update"}

_transactions = threading.RLock()


class MotoInternalsChanged(RuntimeError):
    pass


def install() -> None:
    """Patches moto in this process (idempotent). Raises MotoInternalsChanged if moto moved."""
    if getattr(DynamoDBBackend.transact_write_items, "casetrail_patch", False):
        return
    moved = [f.__qualname__ for f, expected in FINGERPRINTS.items() if _fingerprint(f) != expected]
    if moved:
        raise MotoInternalsChanged(
            f"moto's {', '.join(moved)} changed since moto {WRITTEN_FOR_MOTO}, which local/moto_transactions.py "
            "patches: re-check the patch against this moto (or pin moto to that release)"
        )
    DynamoDBBackend.transact_write_items = transact_write_items


def _fingerprint(function) -> str:
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()[:16]


def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    if len(transact_items) > MAX_ITEMS_PER_TRANSACTION:
        raise TooManyTransactionsException()
    with _transactions:
        writes = _check_conditions(self, transact_items)
        _apply(self, writes, len(transact_items))


transact_write_items.casetrail_patch = True


def _check_conditions(backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> list[tuple[int, str, dict, dict]]:
    """Every item's condition against the current table, nothing written. Returns the writes to make
    as (position in the transaction, operation, parameters, key); raises TransactionCanceledException
    with one reason per item, as moto gives them (None for an item that passed)."""
    keys_seen: set[tuple[str, str]] = set()
    reasons: list[tuple[str | None, str | None, dict | None]] = []
    writes = []
    for position, transact_item in enumerate(transact_items):
        if len(transact_item) > 1:
            raise TransactWriteSingleOpException
        old_item = None
        try:
            operation, parameters = next(iter(transact_item.items()))
            if operation not in OPERATIONS:
                raise ValueError("Unsupported transaction operation")
            table_name = parameters["TableName"]
            key = _key(backend, operation, parameters)
            seen = (str(table_name), str(dict(sorted(key.items()))))
            if seen in keys_seen:
                raise MultipleTransactionsException()
            keys_seen.add(seen)
            current = backend.get_item(table_name, key)
            condition = parameters.get("ConditionExpression")
            if condition is not None:
                expression = get_filter_expression(
                    condition, parameters.get("ExpressionAttributeNames"), parameters.get("ExpressionAttributeValues")
                )
                if not expression.expr(current):
                    if parameters.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
                        old_item = current.to_json()["Attributes"]
                    raise ConditionalCheckFailed(item=old_item)
            if operation != "ConditionCheck":
                writes.append((position, operation, parameters, key))
            reasons.append((None, None, None))
        except MockValidationException:  # the request is invalid: moto raises it as such
            raise
        except ConditionalCheckFailed as failed:
            reasons.append(("ConditionalCheckFailed", str(failed.message), old_item))
        except Exception as error:  # as moto does: any other failure is that item's cancellation reason
            reasons.append((type(error).__name__, str(error), old_item))
    if any(code is not None for code, _, _ in reasons):
        raise TransactionCanceledException(reasons)
    return writes


def _key(backend: DynamoDBBackend, operation: str, parameters: dict) -> dict:
    if operation != "Put":
        return parameters["Key"]
    table = backend.get_table(parameters["TableName"])
    item = parameters["Item"]
    key = {table.hash_key_attr: item[table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = item[table.range_key_attr]
    return key


def _apply(backend: DynamoDBBackend, writes: list[tuple[int, str, dict, dict]], transaction_length: int) -> None:
    """The writes, with moto's own methods; all undone if one fails."""
    journal = _Journal()
    for position, operation, parameters, key in writes:
        names, values = parameters.get("ExpressionAttributeNames"), parameters.get("ExpressionAttributeValues")
        condition = parameters.get("ConditionExpression")
        try:
            table = backend.get_table(parameters["TableName"])
            journal.record(table, *backend.get_keys_value(table, key))
            if operation == "Put":
                backend.put_item(
                    table.name,
                    parameters["Item"],
                    condition_expression=condition,
                    expression_attribute_names=names,
                    expression_attribute_values=values,
                )
            elif operation == "Delete":
                backend.delete_item(
                    table.name,
                    key,
                    condition_expression=condition,
                    expression_attribute_names=names,
                    expression_attribute_values=values,
                )
            else:
                backend.update_item(
                    table.name,
                    key,
                    update_expression=parameters["UpdateExpression"],
                    condition_expression=condition,
                    expression_attribute_names=names,
                    expression_attribute_values=values,
                )
        except MockValidationException:
            journal.undo()
            raise
        except Exception as error:  # as moto does: any other failure cancels, with that item's reason
            journal.undo()
            reasons: list[tuple[str | None, str | None, dict | None]] = [(None, None, None)] * transaction_length
            reasons[position] = (type(error).__name__, str(error), None)
            raise TransactionCanceledException(reasons) from error


class _Journal:
    """Each written item's previous value and each stream's length before the transaction."""

    def __init__(self):
        self._items: list[tuple[Table, Any, Any, Any]] = []
        self._stream_lengths: dict[int, tuple[StreamShard, int]] = {}

    def record(self, table: Table, hash_value, range_value) -> None:
        # A copy: moto's update_item changes the stored item in place.
        self._items.append((table, hash_value, range_value, copy.deepcopy(table.get_item(hash_value, range_value))))
        shard = table.stream_shard
        if shard is not None:
            self._stream_lengths.setdefault(id(shard), (shard, len(shard.items)))

    def undo(self) -> None:
        for table, hash_value, range_value, previous in reversed(self._items):
            if table.range_key_attr is None:
                container, key = table.items, hash_value
            else:
                container, key = table.items[hash_value], range_value
            if previous is None:
                container.pop(key, None)
            else:
                container[key] = previous
        for shard, length in self._stream_lengths.values():
            del shard.items[length:]  # this transaction's records, which no reader may see
