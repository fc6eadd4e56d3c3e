"""Case event details for the search contract suite, shaped as the publisher relays them."""

import copy
import json
import uuid
from typing import Any

from tests.conftest import load_event

_SAMPLE = json.loads(load_event("sqs/case_created.json")["Records"][0]["body"])["detail"]


def case_event(tenant_id: str, case_id: str, version: int, *, event_type: str = "CASE.UPDATED", at: str = "2026-11-25T09:30:00Z", created_at: str | None = None, **case: Any) -> dict[str, Any]:
    detail = copy.deepcopy(_SAMPLE)
    detail.update(eventId=str(uuid.uuid4()), eventType=event_type, tenantId=tenant_id, caseId=case_id, caseVersion=version, approximateChangeTime=at)
    detail["case"].update(
        caseId=case_id, tenantId=tenant_id, version=version, createdAt=created_at or at, updatedAt=at, title=f"Case {case_id}", category=None, queue=None, priority="normal"
    )
    detail["case"].update(case)
    return detail


def related_event(base: dict[str, Any], item_id: str, content: dict[str, Any], *, event_type: str = "RELATED_ITEM.CREATED", revision: int = 1, item_type: str = "comment") -> dict[str, Any]:
    detail = copy.deepcopy(base)
    detail.update(eventId=str(uuid.uuid4()), eventType=event_type)
    detail["relatedItem"] = {
        "relatedItemId": item_id,
        "caseId": base["caseId"],
        "tenantId": base["tenantId"],
        "type": item_type,
        "content": content,
        "createdAt": base["approximateChangeTime"],
        "createdBy": base["performedBy"],
        "revision": revision,
    }
    return detail


def _erasure(event_type: str, tenant_id: str, **ids: str) -> dict[str, Any]:
    # As service/erasure.py publishes them: ids, who, when and why; nothing personal.
    return {
        "version": "0", "eventId": str(uuid.uuid4()), "eventType": event_type, "approximateChangeTime": "2026-11-26T09:00:00Z",
        "tenantId": tenant_id, **ids, "performedBy": {"principalId": "p-admin", "name": "Admin", "role": "admin"}, "reason": "customer erasure",
    }


def erased(tenant_id: str, customer_id: str) -> dict[str, Any]:
    return _erasure("CUSTOMER.ERASED", tenant_id, customerId=customer_id)


def case_deleted(tenant_id: str, case_id: str) -> dict[str, Any]:
    return _erasure("CASE.DELETED", tenant_id, caseId=case_id)
