"""The size of an item as DynamoDB counts it, and the limits Casetrail keeps to.

Hand-written because boto3 has no such function and the PyPI packages that do are "rough"
estimates; the rules are DynamoDB's (developer guide, "Item sizes and formats"): attribute names
and string values in UTF-8 bytes, a number 1 byte per two significant digits plus 1, binary its
raw bytes, a boolean or null 1 byte, a list or map 3 bytes plus 1 byte per element (plus each
nested key's name).

Why two limits: DynamoDB refuses an item over 400 KB, and every change is written together with
its audit record, which holds the record after the change and each changed field's old and new
value. A case or task allowed to reach 400 KB could then never change again (not even be
closed), so the records a request writes are kept to a budget that leaves room for their audit
records: case 128 KiB + old and new values (2 x 128 KiB) fits; a linked task's change carries the
case and the task.
"""

from decimal import Decimal
from typing import Any

from casetrail.domain.errors import PayloadTooLarge

DYNAMODB_ITEM_LIMIT = 400 * 1024
CASE_RECORD_BUDGET = 128 * 1024
TASK_RECORD_BUDGET = 64 * 1024


def item_size(item: dict[str, Any]) -> int:
    """Bytes of an item in the low-level client's wire format ({"name": {"S": "..."}, ...})."""
    return sum(_name(name) + _value(value) for name, value in item.items())


def require_within(item: dict[str, Any], limit: int, record: str) -> None:
    """Raises PayloadTooLarge (a 413) naming the record when the item is over `limit` bytes."""
    size = item_size(item)
    if size > limit:
        raise PayloadTooLarge(
            f"the {record} would take {size:,} bytes, more than the {limit:,} a {record} may take: "
            "shorten the longest texts or remove some fields",
            details={"record": record, "bytes": size, "limitBytes": limit},
        )


def _name(name: str) -> int:
    return len(name.encode("utf-8"))


def _value(value: dict[str, Any]) -> int:
    ((kind, content),) = value.items()
    if kind == "S":
        return len(content.encode("utf-8"))
    if kind == "N":
        return _number(content)
    if kind == "B":
        return len(content)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "L":
        return 3 + sum(_value(element) + 1 for element in content)
    if kind == "M":
        return 3 + sum(_name(key) + _value(element) + 1 for key, element in content.items())
    if kind == "SS":
        return sum(len(element.encode("utf-8")) for element in content)
    if kind == "NS":
        return sum(_number(element) for element in content)
    if kind == "BS":
        return sum(len(element) for element in content)
    raise ValueError(f"not a DynamoDB attribute value: {kind}")


def _number(text: str) -> int:
    digits = Decimal(text).normalize().as_tuple().digits  # leading and trailing zeros trimmed
    return (len(digits) + 1) // 2 + 1
