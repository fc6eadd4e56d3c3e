"""A task's references: typed key/values (like Amazon Connect task references), checked by type."""

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated
from urllib.parse import urlparse

from pydantic import Field, StringConstraints, model_validator

from casetrail.domain.model_base import CamelModel

MAX_REFERENCES = 25
ReferenceKey = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]


class ReferenceType(StrEnum):
    URL = "url"
    NUMBER = "number"
    STRING = "string"
    DATE = "date"
    EMAIL = "email"


def _is_url(value: str) -> bool:
    parsed = urlparse(value)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return value.strip().lower() not in ("nan", "inf", "-inf", "infinity", "-infinity")


def _is_date(value: str) -> bool:
    for parse in (date.fromisoformat, datetime.fromisoformat):
        try:
            parse(value)
            return True
        except ValueError:
            continue
    return False


def _is_email(value: str) -> bool:
    local, _, domain = value.partition("@")
    return bool(local) and "." in domain and " " not in value and not domain.startswith(".")


_CHECKS = {
    ReferenceType.URL: _is_url,
    ReferenceType.NUMBER: _is_number,
    ReferenceType.STRING: lambda value: True,
    ReferenceType.DATE: _is_date,
    ReferenceType.EMAIL: _is_email,
}


class TaskReference(CamelModel):
    type: ReferenceType
    value: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4096)]

    @model_validator(mode="after")
    def _value_matches_type(self):
        if not _CHECKS[self.type](self.value):
            raise ValueError(f"{self.value!r} is not a valid {self.type.value}")
        return self


References = Annotated[dict[ReferenceKey, TaskReference], Field(max_length=MAX_REFERENCES)]
