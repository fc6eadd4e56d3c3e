"""Domain errors. Each carries a stable machine-readable code; handlers/errors.py maps them to HTTP."""


class CasetrailError(Exception):
    code = "ERROR"

    def __init__(self, message: str, *, details: dict | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or {}


class NotFound(CasetrailError):
    code = "NOT_FOUND"


class CaseNotFound(NotFound):
    code = "CASE_NOT_FOUND"


class VersionConflict(CasetrailError):
    """The client's If-Match version is not the current one: someone changed the case meanwhile."""

    code = "VERSION_CONFLICT"


class PreconditionRequired(CasetrailError):
    code = "PRECONDITION_REQUIRED"


class InvalidTransition(CasetrailError):
    code = "INVALID_TRANSITION"


class InvalidRequest(CasetrailError):
    code = "INVALID_REQUEST"


class Forbidden(CasetrailError):
    code = "FORBIDDEN"


class Unauthenticated(CasetrailError):
    code = "UNAUTHORIZED"


class Conflict(CasetrailError):
    """The request contradicts the current state of the resource (409)."""

    code = "CONFLICT"


class TaskNotFound(NotFound):
    code = "TASK_NOT_FOUND"


class OpenTasks(Conflict):
    """A case cannot be resolved or closed while it has open tasks, unless the request says what to do."""

    code = "OPEN_TASKS"
