"""Customers: who a case is about. Phone and email are personal data: never log them in full."""

import re
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from casetrail.domain.model_base import CamelModel, CommandModel, Identifier, bounded_text

_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
# Deliberately loose (one @, a dot in the domain, no spaces): mailbox rules are the mail system's job.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _e164(value: str) -> str:
    if not _E164.match(value):
        raise ValueError("must be an E.164 phone number such as +15551234567")
    return value


def _email(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError("must be an email address")
    return value.lower()  # stored and looked up lower-cased: lookups are case-insensitive


Phone = Annotated[str, StringConstraints(strip_whitespace=True, max_length=16), AfterValidator(_e164)]
Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=254), AfterValidator(_email)]
Name = bounded_text(200)


def masked(value: str | None) -> str | None:
    """A phone or email safe for logs: enough to tell two apart, not enough to contact anyone."""
    if not value:
        return value
    return f"{value[:2]}***{value[-2:]}"


class NewCustomer(CommandModel):
    """Body of POST /customers. `customerId` may carry the integrator's own id (a CRM key)."""

    customer_id: Identifier | None = None
    name: Name
    phone: Phone | None = None
    email: Email | None = None
    external_ids: dict[Identifier, Identifier] = Field(default_factory=dict, max_length=10)


class CustomerPatch(CommandModel):
    """Body of PATCH /customers/{customerId}: present fields change; null clears phone or email."""

    name: Name | None = None
    phone: Phone | None = None
    email: Email | None = None
    external_ids: dict[Identifier, Identifier] | None = Field(default=None, max_length=10)

    @model_validator(mode="after")
    def _changes_something(self):
        if not self.model_fields_set:
            raise ValueError("the patch changes nothing: send at least one field")
        if "name" in self.model_fields_set and self.name is None:
            raise ValueError("name cannot be null")
        return self


class Customer(CamelModel):
    customer_id: str
    tenant_id: str
    name: str
    phone: str | None = None
    email: str | None = None
    external_ids: dict[str, str] = Field(default_factory=dict)
    version: int = Field(ge=1)
    created_at: datetime
    updated_at: datetime

    def patched(self, patch: CustomerPatch, at: datetime) -> "Customer":
        update = {name: getattr(patch, name) for name in patch.model_fields_set}
        if patch.external_ids is None:
            update.pop("external_ids", None)
        return self.model_copy(update={**update, "version": self.version + 1, "updated_at": at})
