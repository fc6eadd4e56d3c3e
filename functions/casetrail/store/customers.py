"""Customers in DynamoDB (in the cases table: a customer and the cases about them are one tenant's
story). A customer item, plus one lookup item per phone and per email that points back to it."""

from typing import Any

from casetrail.domain.customers import Customer
from casetrail.domain.errors import Conflict, CustomerNotFound, VersionConflict
from casetrail.store import keys
from casetrail.store.dynamo import ConditionFailed, Table, serialize

ENTITY_CUSTOMER = "CUSTOMER"
ENTITY_LOOKUP = "CUSTOMER_LOOKUP"


class CustomerRepository:
    def __init__(self, table: Table):
        self._table = table

    def get(self, tenant_id: str, customer_id: str) -> Customer:
        item = self._table.get(keys.customer_item(tenant_id, customer_id))
        if item is None:
            raise CustomerNotFound(f"customer {customer_id} was not found")
        return Customer.model_validate(item)

    def exists(self, tenant_id: str, customer_id: str) -> bool:
        return self._table.get(keys.customer_item(tenant_id, customer_id)) is not None

    def find(self, tenant_id: str, *, phone: str | None = None, email: str | None = None) -> Customer | None:
        key = keys.customer_phone_item(tenant_id, phone) if phone else keys.customer_email_item(tenant_id, email or "")
        pointer = self._table.get(key)
        return self.get(tenant_id, pointer["customerId"]) if pointer else None

    def create(self, customer: Customer) -> None:
        operations = [_put_new(_customer_item(customer))]
        labels = ["customerId"]
        for label, item in _lookups(customer).items():
            operations.append(_put_new(item))
            labels.append(label)
        try:
            self._table.transact(operations)
        except ConditionFailed as error:
            raise _taken(labels[error.failed_indexes[0]]) from error

    def save(self, before: Customer, after: Customer) -> None:
        operations: list[dict[str, Any]] = [
            {
                "Put": {
                    "Item": serialize(_customer_item(after)),
                    "ConditionExpression": "version = :read_version",
                    "ExpressionAttributeValues": {":read_version": {"N": str(before.version)}},
                }
            }
        ]
        labels = ["version"]
        old, new = _lookups(before), _lookups(after)
        for label in ("phone", "email"):
            if label in old and old.get(label) != new.get(label):
                key = {k: old[label][k] for k in ("pk", "sk")}
                operations.append({"Delete": {"Key": serialize(key)}})
                labels.append(label)
            if label in new and old.get(label) != new.get(label):
                operations.append(_put_new(new[label]))
                labels.append(label)
        try:
            self._table.transact(operations)
        except ConditionFailed as error:
            label = labels[error.failed_indexes[0]]
            if label == "version":
                raise VersionConflict(f"customer {after.customer_id} changed meanwhile") from error
            raise _taken(label) from error


def lookup_keys(customer: Customer) -> list[dict[str, str]]:
    """The keys of the customer's phone and email lookup items (erasure removes them)."""
    return [{k: item[k] for k in ("pk", "sk")} for item in _lookups(customer).values()]


def _taken(label: str) -> Conflict:
    # The message names the field, never the value: it is personal data.
    return Conflict(f"another customer of the tenant already has this {label}", details={"field": label})


def _customer_item(customer: Customer) -> dict[str, Any]:
    return {**keys.customer_item(customer.tenant_id, customer.customer_id), "entity": ENTITY_CUSTOMER, **customer.to_wire()}


def _lookups(customer: Customer) -> dict[str, dict[str, Any]]:
    pointer = {"entity": ENTITY_LOOKUP, "customerId": customer.customer_id}
    lookups = {}
    if customer.phone:
        lookups["phone"] = {**keys.customer_phone_item(customer.tenant_id, customer.phone), **pointer}
    if customer.email:
        lookups["email"] = {**keys.customer_email_item(customer.tenant_id, customer.email), **pointer}
    return lookups


def _put_new(item: dict[str, Any]) -> dict[str, Any]:
    return {"Put": {"Item": serialize(item), "ConditionExpression": "attribute_not_exists(pk)"}}
