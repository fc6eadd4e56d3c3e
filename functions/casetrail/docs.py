"""Generates the published contracts from the code: the OpenAPI document (from the resolver) and
the JSON Schema of the case event detail (from the pydantic model). `make docs` writes them;
a test fails when the committed copies are stale."""

import json
import sys
from pathlib import Path

DOCS_DIR = Path(__file__).resolve().parents[2] / "docs"
OPENAPI_FILE = DOCS_DIR / "openapi.json"
EVENT_SCHEMA_FILE = DOCS_DIR / "case-event.schema.json"
TASK_EVENT_SCHEMA_FILE = DOCS_DIR / "task-event.schema.json"
RULE_EVENT_SCHEMA_FILE = DOCS_DIR / "rule-event.schema.json"
ERASURE_EVENT_SCHEMA_FILE = DOCS_DIR / "erasure-event.schema.json"


def openapi_settings() -> dict:
    """What the document says about the API as a whole: the same for `make docs` and for /docs."""
    from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer

    return {
        "title": "Casetrail API",
        "version": "0.1.0",
        "description": (
            "Case management for contact centers. Authenticate with `Authorization: Bearer <api key>`. "
            "Errors share one shape: `{status, code, message, fields?, details?}`."
        ),
        "security_schemes": {"apiKey": HTTPBearer(description="A Casetrail API key")},
        "security": [{"apiKey": []}],
    }


def openapi_document() -> dict:
    from casetrail.handlers.api import app

    return json.loads(app.get_openapi_json_schema(**openapi_settings()))


CLAIM_CHECK_NOTE = (
    " An event too large for the bus (its entry over 240 KiB) carries a trimmed detail instead: its top-level ids, "
    "eventType, times and versions, changedFieldIds, performedBy, and `claimCheck` ($defs/ClaimCheck), the S3 object "
    "holding this full detail."
)


def _with_claim_check(schema: dict) -> dict:
    from casetrail.domain.events import ClaimCheck

    schema.setdefault("$defs", {})["ClaimCheck"] = ClaimCheck.model_json_schema(by_alias=True, mode="serialization")
    schema["description"] += CLAIM_CHECK_NOTE
    return schema


def event_schema() -> dict:
    from casetrail.domain.events import CaseChange

    schema = CaseChange.model_json_schema(by_alias=True, mode="serialization")
    schema["title"] = "Casetrail case event detail"
    schema["description"] = (
        'The `detail` of EventBridge events with source "casetrail" and detail-type "Casetrail Case Change". '
        "Deduplicate on eventId: delivery is at least once."
    )
    return _with_claim_check(schema)


def task_event_schema() -> dict:
    from casetrail.domain.tasks import TaskChange

    schema = TaskChange.model_json_schema(by_alias=True, mode="serialization")
    schema["title"] = "Casetrail task event detail"
    schema["description"] = (
        'The `detail` of TASK.* events (source "casetrail", detail-type "Casetrail Case Change"). A linked '
        "task's change also carries caseId, caseVersion and the case. Deduplicate on eventId."
    )
    return _with_claim_check(schema)


def rule_event_schema() -> dict:
    from casetrail.domain.rules import RuleEvent

    schema = RuleEvent.model_json_schema(by_alias=True, mode="serialization")
    schema["title"] = "Casetrail rule event detail"
    schema["description"] = (
        'The `detail` of RULE.NOTIFY and RULE.<name> events a rule publishes (source "casetrail", detail-type '
        '"Casetrail Case Change"). eventId is stable for a source event and rule: deduplicate on it.'
    )
    return schema


def erasure_event_schema() -> dict:
    from casetrail.domain.erasure import ErasureEvent

    schema = ErasureEvent.model_json_schema(by_alias=True, mode="serialization")
    schema["title"] = "Casetrail erasure event detail"
    schema["description"] = (
        'The `detail` of CASE.DELETED and CUSTOMER.ERASED (source "casetrail", detail-type "Casetrail Case Change"): '
        "forget the case (or the customer) and everything you keep about it. Ids only, nothing personal. Every "
        "consumer also drops any other event of a deleted case it receives later (a redelivery, a replay of the "
        "archive). eventId is stable for a case's (or customer's) deletion: deduplicate on it."
    )
    return schema


def render(document: dict) -> str:
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def main() -> int:
    DOCS_DIR.mkdir(exist_ok=True)
    OPENAPI_FILE.write_text(render(openapi_document()))
    EVENT_SCHEMA_FILE.write_text(render(event_schema()))
    TASK_EVENT_SCHEMA_FILE.write_text(render(task_event_schema()))
    RULE_EVENT_SCHEMA_FILE.write_text(render(rule_event_schema()))
    ERASURE_EVENT_SCHEMA_FILE.write_text(render(erasure_event_schema()))
    print(
        f"wrote {OPENAPI_FILE.name}, {EVENT_SCHEMA_FILE.name}, {TASK_EVENT_SCHEMA_FILE.name}, {RULE_EVENT_SCHEMA_FILE.name} "
        f"and {ERASURE_EVENT_SCHEMA_FILE.name}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
