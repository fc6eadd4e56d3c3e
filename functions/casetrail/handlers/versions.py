"""Optimistic concurrency on the wire: the version a client read comes back in If-Match."""

import re
from typing import Any, TypeVar

from aws_lambda_powertools.event_handler import Response, content_types
from pydantic import BaseModel

from casetrail.domain.errors import InvalidRequest, PreconditionRequired

Versioned = TypeVar("Versioned", bound=BaseModel)
_VERSION = re.compile(r"[0-9]{1,18}")


def expected_version(if_match: str | None, what: str = "case") -> int:
    """If-Match carries the version the client read: `2`, `"2"` and `W/"2"` are all accepted."""
    if if_match is None:
        raise PreconditionRequired(f"send the version you read in an If-Match header to update a {what}")
    raw = if_match.strip().removeprefix("W/").strip('"')
    # ASCII digits only, and no more than a version can have (int() would take "٣" or 5,000 digits).
    if not _VERSION.fullmatch(raw) or int(raw) < 1:
        raise InvalidRequest(f"If-Match must be a {what} version such as \"3\"")
    return int(raw)


def versioned_response(model: type[Versioned], value: Versioned | dict[str, Any], status_code: int = 200) -> Response[Versioned]:
    """The resource with its version as ETag, the value a client sends back in If-Match."""
    resource = model.model_validate(value)
    return Response(
        status_code=status_code,
        content_type=content_types.APPLICATION_JSON,
        body=resource,
        headers={"ETag": f'"{resource.version}"'},
    )
