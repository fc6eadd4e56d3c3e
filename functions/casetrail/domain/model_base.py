"""Base for every API-facing model: camelCase on the wire, snake_case in Python."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints
from pydantic.alias_generators import to_camel


class LazyModel(BaseModel):
    """A model whose Python names are its wire names. Like every model here its schema is built on
    first use (`defer_build`), not at import: about 1 ms a model off every cold start."""

    model_config = ConfigDict(defer_build=True)


class CamelModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, defer_build=True)

    def to_wire(self) -> dict:
        return self.model_dump(by_alias=True, mode="json")


class CommandModel(CamelModel):
    """A request body: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", defer_build=True)


def bounded_text(max_length: int, min_length: int = 1):
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length)]


Identifier = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128, pattern=r"^[^#\s]+$")]
