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


class CustomerNotFound(NotFound):
    code = "CUSTOMER_NOT_FOUND"


class RelatedItemNotFound(NotFound):
    code = "RELATED_ITEM_NOT_FOUND"


class UnknownReference(CasetrailError):
    """A request names something (a customer, a case to link) that the tenant does not have."""

    code = "UNKNOWN_REFERENCE"


class FileNotAccepted(CasetrailError):
    """A file's declared size or content type is outside what the deployment accepts."""

    code = "FILE_NOT_ACCEPTED"


class Conflict(CasetrailError):
    """The request contradicts stored state: a phone already taken, an item that cannot be edited."""

    code = "CONFLICT"


class ConcurrentChange(Conflict):
    """Another request wrote the same item at the same moment (DynamoDB cancelled the transaction
    with TransactionConflict) and retrying on the fresh state did not get through: try again."""

    code = "CONCURRENT_CHANGE"


class VersionConflict(CasetrailError):
    """The client's If-Match version is not the current one: someone changed the case meanwhile."""

    code = "VERSION_CONFLICT"


class PreconditionRequired(CasetrailError):
    code = "PRECONDITION_REQUIRED"


class InvalidTransition(CasetrailError):
    code = "INVALID_TRANSITION"


class InvalidRequest(CasetrailError):
    code = "INVALID_REQUEST"


class CaseDeleted(Conflict):
    """A retried creation (Idempotency-Key, Connect contact) whose case was deleted since: never recreated."""

    code = "CASE_DELETED"


class Forbidden(CasetrailError):
    code = "FORBIDDEN"


class Unauthenticated(CasetrailError):
    code = "UNAUTHORIZED"


class SubscriptionNotFound(NotFound):
    code = "SUBSCRIPTION_NOT_FOUND"


class UnsafeWebhookUrl(CasetrailError):
    """A webhook URL that is not https or reaches a private, loopback or otherwise internal address."""

    code = "UNSAFE_WEBHOOK_URL"


class TooManySubscriptions(CasetrailError):
    code = "TOO_MANY_SUBSCRIPTIONS"


class TaskNotFound(NotFound):
    code = "TASK_NOT_FOUND"


class OpenTasks(Conflict):
    """A case cannot be resolved or closed while it has open tasks, unless the request says what to do."""

    code = "OPEN_TASKS"


class InvalidFieldValues(CasetrailError):
    """Custom field values (or a template's defaults) that their field definitions refuse."""

    code = "INVALID_FIELD_VALUES"


class UnsupportedFilter(InvalidRequest):
    """A combination of GET /cases filters that no index serves: refused rather than scanned."""

    code = "UNSUPPORTED_FILTER"


class FieldNotFound(NotFound):
    code = "FIELD_NOT_FOUND"


class TemplateNotFound(NotFound):
    code = "TEMPLATE_NOT_FOUND"
class RuleNotFound(NotFound):
    code = "RULE_NOT_FOUND"


class PayloadTooLarge(CasetrailError):
    """A write whose record would be larger than Casetrail (or DynamoDB) stores: refused before
    anything is written."""

    code = "PAYLOAD_TOO_LARGE"


class CaseMerged(Conflict):
    """The case was merged into another: it is closed and read-only; work on the survivor."""

    code = "CASE_MERGED"


class NotMergeable(Conflict):
    code = "NOT_MERGEABLE"


class ParentCycle(Conflict):
    """A parent that is the case itself or one of its descendants, or a family too deep."""

    code = "PARENT_CYCLE"
