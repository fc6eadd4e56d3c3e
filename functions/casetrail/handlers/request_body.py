"""What a request body may be: JSON, and only JSON that can be stored.

- Media type: `application/json`, matched case-insensitively and with any parameters
  (`; charset=utf-8`). A body without a Content-Type is read as JSON (curl without -H, most HTTP
  clients); any other media type (text/plain, a form, XML, merge-patch...) is a 415
  UNSUPPORTED_MEDIA_TYPE. Powertools would parse forms and raise on other types, so the check runs
  on the proxy event before the resolver sees it.
- Parsing: strict JSON (no NaN or Infinity, which DynamoDB cannot store) at most 32 levels deep
  (DynamoDB's own limit for a document; Python's parser gives up at about 1,000 with a
  RecursionError), else a 400 MALFORMED_JSON.
"""

import json
from http import HTTPStatus
from typing import Any

from casetrail.handlers.errors import ErrorResponse

JSON_MEDIA_TYPE = "application/json"
MAX_JSON_DEPTH = 32


def media_type(content_type: str) -> str:
    """`Application/JSON; charset=utf-8` -> `application/json`."""
    return content_type.split(";", 1)[0].strip().lower()


def screen(event: dict[str, Any]) -> dict[str, Any] | None:
    """The proxy response refusing the body's media type, or None after making the event's
    Content-Type the canonical `application/json` the resolver expects."""
    if not event.get("body"):
        return None
    headers = event.get("headers") or {}
    given = next((value for name, value in headers.items() if name.lower() == "content-type"), "")
    if media_type(given) not in ("", JSON_MEDIA_TYPE):
        body = ErrorResponse(
            status=HTTPStatus.UNSUPPORTED_MEDIA_TYPE.value,
            code="UNSUPPORTED_MEDIA_TYPE",
            message=f"Send the body as {JSON_MEDIA_TYPE}",
        )
        return {
            "statusCode": body.status,
            "headers": {"Content-Type": JSON_MEDIA_TYPE},
            "body": body.model_dump_json(exclude_none=True),
            "isBase64Encoded": False,
        }
    headers = {name: value for name, value in headers.items() if name.lower() != "content-type"}
    multi = {name: value for name, value in (event.get("multiValueHeaders") or {}).items() if name.lower() != "content-type"}
    event["headers"] = {**headers, "Content-Type": JSON_MEDIA_TYPE}
    event["multiValueHeaders"] = {**multi, "Content-Type": [JSON_MEDIA_TYPE]}
    return None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def loads(text: str) -> Any:
    """The resolver's JSON parser; a json.JSONDecodeError (400 MALFORMED_JSON) for what it refuses."""
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise json.JSONDecodeError(f"nested deeper than {MAX_JSON_DEPTH} levels", text, 0) from None
    except ValueError as error:
        if isinstance(error, json.JSONDecodeError):
            raise
        raise json.JSONDecodeError(str(error), text, 0) from None
    if _depth(value) > MAX_JSON_DEPTH:
        raise json.JSONDecodeError(f"nested deeper than {MAX_JSON_DEPTH} levels", text, 0)
    return value


def _depth(value: Any) -> int:
    # Iterative: a recursive walk would itself hit the recursion limit on what json.loads accepts.
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest
