"""One error shape for every failure, and the mapping from exceptions to it.

    {"status": 422, "code": "VALIDATION_ERROR", "message": "...", "fields": [{"field": "title", "issue": "..."}]}
"""

from http import HTTPStatus

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)
from botocore.exceptions import ClientError
from pydantic import BaseModel

from casetrail.domain import errors
from casetrail.domain.task_templates import TemplateViolation
from casetrail.observability import logger


class FieldIssue(BaseModel):
    field: str
    issue: str


class ErrorResponse(BaseModel):
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
    TemplateViolation: HTTPStatus.UNPROCESSABLE_ENTITY,
}


def documented_errors(*statuses: HTTPStatus) -> dict[int, dict]:
    """OpenAPI `responses` entries for the errors a route can answer with, all in the one shape."""
    return {
        status.value: {
            "description": status.phrase,
            "content": {content_types.APPLICATION_JSON: {"model": ErrorResponse}},
        }
        for status in (*statuses, HTTPStatus.UNAUTHORIZED, HTTPStatus.UNPROCESSABLE_ENTITY)
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
        return "MALFORMED_JSON", "The request body is not valid JSON", [FieldIssue(field="body", issue=malformed[0]["msg"])]
    issues = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ())]
        if location[:1] == ["body"]:  # the body's own fields are named without it (a field may be called body)
            location = location[1:]
        issues.append(FieldIssue(field=".".join(location) or "body", issue=error.get("msg", "invalid")))
    return "VALIDATION_ERROR", "The request is not valid", issues


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
