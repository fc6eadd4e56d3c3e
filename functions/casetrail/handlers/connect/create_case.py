"""Contact-flow function: create case, once per contact (see README, "Amazon Connect contact flows").

Connect retries a function that errs or times out: the case is created once per tenant and
ContactId (Powertools Idempotency), and a retry answers with that same case.
"""

from dataclasses import asdict
from typing import Any

from casetrail.handlers import init_done
from casetrail.domain.identity import Principal
from casetrail.handlers.connect.flow import contact_flow_function
from casetrail.handlers.connect.wiring import contact_flows
from casetrail.handlers.idempotency import once_per_key, record_id
from casetrail.service.contact_flows import FlowContact
from casetrail.settings import get_settings
from casetrail.store.dynamo import Table
from casetrail.store.erasure import remember_idempotency_record


@once_per_key
def _create_once(*, request: dict[str, Any]) -> dict[str, Any]:
    principal = Principal.from_authorizer_context(request["principal"])
    created = contact_flows().create_case(principal, FlowContact(**request["contact"]))
    # Deleting the case deletes this record too (store/erasure.py): it names the caller's case.
    remember_idempotency_record(Table(get_settings().cases_table_name), principal.tenant_id, created["caseId"], record_id(_create_once, request))
    return created


@contact_flow_function
def handler(principal: Principal, contact: FlowContact) -> dict[str, Any]:
    contact_fields = asdict(contact)
    return _create_once(
        request={
            "tenantId": principal.tenant_id,
            "idempotencyKey": contact.contact_id,
            "body": contact_fields["parameters"],
            "principal": principal.to_authorizer_context(),
            "contact": contact_fields,
        }
    )


init_done()  # the end of this function's init: the garbage collector resumes (casetrail/handlers/__init__.py)
