"""One error shape for every failure, and the mapping from exceptions to it.

    {"status": 422, "code": "VALIDATION_ERROR", "message": "...", "fields": [{"field": "title", "issue": "..."}]}
"""

import re
from http import HTTPStatus

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)
from botocore.exceptions import ClientError

from casetrail.domain.model_base import LazyModel
from casetrail.domain import errors
from casetrail.domain.task_templates import TemplateViolation
from casetrail.observability import logger


class FieldIssue(LazyModel):
    field: str
    issue: str


class ErrorResponse(LazyModel):
    status: int
    code: str
    message: str
    fields: list[FieldIssue] | None = None
    details: dict | None = None


_STATUS_BY_ERROR: dict[type[errors.CasetrailError], HTTPStatus] = {
    errors.NotFound: HTTPStatus.NOT_FOUND,
    errors.VersionConflict: HTTPStatus.PRECONDITION_FAILED,
    errors.PreconditionRequired: HTTPStatus.PRECONDITION_REQUIRED,
    errors.InvalidTransition: HTTPStatus.CONFLICT,
    errors.Conflict: HTTPStatus.CONFLICT,
    errors.UnknownReference: HTTPStatus.UNPROCESSABLE_ENTITY,
    errors.FileNotAccepted: HTTPStatus.UNPROCESSABLE_ENTITY,
    errors.InvalidFieldValues: HTTPStatus.UNPROCESSABLE_ENTITY,
    errors.InvalidRequest: HTTPStatus.BAD_REQUEST,
    errors.Forbidden: HTTPStatus.FORBIDDEN,
    errors.Unauthenticated: HTTPStatus.UNAUTHORIZED,
    errors.UnsafeWebhookUrl: HTTPStatus.UNPROCESSABLE_ENTITY,
    errors.TooManySubscriptions: HTTPStatus.CONFLICT,
    errors.PayloadTooLarge: HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
    TemplateViolation: HTTPStatus.UNPROCESSABLE_ENTITY,
}


# Every route can answer these: the gateway's 401 (no valid key) and the 422 of request validation.
_ALWAYS = (HTTPStatus.UNAUTHORIZED, HTTPStatus.UNPROCESSABLE_ENTITY)
# A route that reads a body can also answer: 400 MALFORMED_JSON, the gateway's 413, and 415 for a body
# that is not JSON (handlers/request_body.py).
_WITH_BODY = (HTTPStatus.BAD_REQUEST, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, HTTPStatus.UNSUPPORTED_MEDIA_TYPE)
ETAG_HEADER = {
    "ETag": {
        "description": 'The resource\'s version ("3"): send it back in If-Match to change it',
        "schema": {"type": "string"},
    }
}


def documented(
    *errors: HTTPStatus, success: HTTPStatus = HTTPStatus.OK, body: bool = False, etag: bool = False
) -> dict[int, dict]:
    """A route's OpenAPI `responses`: its success (body from the route's return type, or none for a
    204, and the ETag header of a versioned resource) and every error it can answer with, all in
    the one error shape."""
    if success is HTTPStatus.NO_CONTENT:
        outcome: dict = {"description": success.phrase, "content": {}}
    else:
        outcome = {"description": success.phrase}  # content: Powertools fills in the return type's schema
    if etag:
        outcome["headers"] = ETAG_HEADER
    statuses = sorted({*errors, *_ALWAYS, *(_WITH_BODY if body else ())})
    return {
        success.value: outcome,
        **{
            status.value: {
                "description": status.phrase,
                "content": {content_types.APPLICATION_JSON: {"model": ErrorResponse}},
            }
            for status in statuses
        },
    }


def error_response(status: HTTPStatus, code: str, message: str, **extra) -> Response:
    body = ErrorResponse(status=status.value, code=code, message=message, **extra)
    return Response(
        status_code=status.value,
        content_type=content_types.APPLICATION_JSON,
        body=body.model_dump_json(exclude_none=True),
    )


def _status_of(error: errors.CasetrailError) -> HTTPStatus:
    for error_type in type(error).__mro__:
        if error_type in _STATUS_BY_ERROR:
            return _STATUS_BY_ERROR[error_type]
    return HTTPStatus.BAD_REQUEST


def _field_issues(validation: RequestValidationError) -> tuple[str, str, list[FieldIssue]]:
    errors = validation.errors()
    malformed = [e for e in errors if e.get("type") == "json_invalid"]
    if malformed:
        # Its location is a character offset, not a field: report the body itself.
        reason = (malformed[0].get("ctx") or {}).get("error") or malformed[0]["msg"]
        return "MALFORMED_JSON", "The request body is not valid JSON", [FieldIssue(field="body", issue=reason)]
    issues = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ())]
        if location[:1] == ["body"]:  # the body's own fields are named without it (a field may be called body)
            location = location[1:]
        issue = error.get("msg", "invalid").removeprefix("Value error, ")
        if error.get("type") == "union_tag_invalid":
            # pydantic names the expected tags by their Python repr (<RelatedItemType.CONTACT: 'contact'>):
            # say it as for any other choice, on the field that chooses.
            context = error.get("ctx") or {}
            location.append(str(context.get("discriminator", "type")).strip("'"))
            allowed = _choices(re.findall(r"'([^']*)'", str(context.get("expected_tags", ""))))
            issue = f"Input should be {allowed}, not '{context.get('tag')}'"
        issues.append(FieldIssue(field=".".join(location) or "body", issue=issue))
    return "VALIDATION_ERROR", "The request is not valid", issues


def _choices(values: list[str]) -> str:
    quoted = [f"'{value}'" for value in values]
    return " or ".join([", ".join(quoted[:-1]), quoted[-1]]) if len(quoted) > 1 else "".join(quoted)


def register_error_handlers(app: APIGatewayRestResolver) -> None:
    @app.exception_handler(errors.CasetrailError)
    def _domain_error(error: errors.CasetrailError) -> Response:
        return error_response(_status_of(error), error.code, error.message, details=error.details or None)

    @app.exception_handler(RequestValidationError)
    def _invalid_request(error: RequestValidationError) -> Response:
        code, message, issues = _field_issues(error)
        status = HTTPStatus.BAD_REQUEST if code == "MALFORMED_JSON" else HTTPStatus.UNPROCESSABLE_ENTITY
        return error_response(status, code, message, fields=issues)

    @app.exception_handler(IdempotencyValidationError)
    def _idempotency_key_reused(_: IdempotencyValidationError) -> Response:
        return error_response(
            HTTPStatus.UNPROCESSABLE_ENTITY,
            "IDEMPOTENCY_KEY_REUSED",
            "This Idempotency-Key was already used with a different request body",
        )

    @app.exception_handler(IdempotencyAlreadyInProgressError)
    def _idempotent_request_in_progress(_: IdempotencyAlreadyInProgressError) -> Response:
        return error_response(
            HTTPStatus.CONFLICT, "REQUEST_IN_PROGRESS", "A request with this Idempotency-Key is still being processed"
        )

    @app.not_found
    def _no_route(_: NotFoundError) -> Response:
        return error_response(HTTPStatus.NOT_FOUND, "ROUTE_NOT_FOUND", "No such route")

    @app.exception_handler(ClientError)
    def _aws_error(error: ClientError) -> Response:
        # The store turns a cancelled transaction into ConcurrentChange; this is the net for any
        # other write DynamoDB refuses because a transaction holds its item: a race, not our fault.
        if _is_write_conflict(error):
            concurrent = errors.ConcurrentChange("another request changed the same item at the same moment: try again")
            return error_response(HTTPStatus.CONFLICT, concurrent.code, concurrent.message)
        return _unexpected(error)

    @app.exception_handler(Exception)
    def _unexpected(error: Exception) -> Response:
        logger.exception("Unhandled error")
        return error_response(HTTPStatus.INTERNAL_SERVER_ERROR, "INTERNAL_ERROR", "Something went wrong on our side")


def _is_write_conflict(error: ClientError) -> bool:
    code = error.response.get("Error", {}).get("Code")
    reasons = error.response.get("CancellationReasons") or []
    return code == "TransactionConflictException" or (
        code == "TransactionCanceledException" and any(r.get("Code") == "TransactionConflict" for r in reasons)
    )
