"""An assignee of a case or a task names an active user of the tenant, or the caller (`me`), or no
one; anything else is a 422 UNKNOWN_ASSIGNEE and nothing is written. Free-string assignees stored
before people existed stay as they are."""

from datetime import UTC, datetime

import pytest

from casetrail.domain.cases import CasePatch, update_case
from casetrail.domain.identity import Principal
from casetrail.domain.users import UserRole
from tests.integration.api_client import ApiClient
from tests.integration.people import register_users

pytestmark = pytest.mark.usefixtures("aws")


@pytest.fixture
def api() -> ApiClient:
    client = ApiClient(role="supervisor", principal_id="p-sam")
    client.create_customer({"customerId": "cust-1", "name": "Dana"})
    register_users("u-ana")
    register_users("u-gone", active=False)
    register_users("u-olga", tenant_id="acme", role=UserRole.SUPERVISOR)
    return client


def open_case(api: ApiClient, **fields):
    return api.create_case({"title": "Billing dispute", "customerId": "cust-1", **fields})


@pytest.mark.parametrize("assignee", ["nobody", "u-gone", "u-olga"])
def test_a_case_cannot_be_assigned_to_someone_who_is_not_an_active_user_of_the_tenant(api, assignee):
    response = open_case(api, assignee=assignee)

    assert response.status == 422
    assert response.body["code"] == "UNKNOWN_ASSIGNEE" and response.body["details"] == {"assignee": assignee}
    assert api.list_cases().body["items"] == []


def test_a_case_goes_to_an_active_user_to_the_caller_or_to_no_one(api):
    assert open_case(api, assignee="u-ana").body["assignee"] == "u-ana"
    mine = open_case(api, assignee="me").body
    assert mine["assignee"] == "p-sam"
    assert open_case(api).body["assignee"] is None
    assert [c["caseId"] for c in api.list_cases(assignee="me").body["items"]] == [mine["caseId"]]


def test_reassigning_a_case_checks_the_new_assignee_and_unassigning_is_allowed(api):
    case = open_case(api, assignee="u-ana").body

    refused = api.patch_case(case["caseId"], {"assignee": "u-gone"}, if_match="1")
    cleared = api.patch_case(case["caseId"], {"assignee": None}, if_match="1")

    assert refused.status == 422 and refused.body["code"] == "UNKNOWN_ASSIGNEE"
    assert cleared.status == 200 and cleared.body["assignee"] is None and cleared.body["version"] == 2


def test_an_assignee_from_before_users_existed_is_left_alone(api):
    # A case stored with a free-string assignee (written before this check), as a migration leaves it.
    from casetrail.handlers.dependencies import case_repository

    case = open_case(api).body
    before_users = Principal(tenant_id="demo", principal_id="p-sam", name="Sam", role="supervisor")
    stored = case_repository().get("demo", case["caseId"])
    case_repository().save(update_case(stored, CasePatch(assignee="ana-from-crm"), by=before_users, at=datetime.now(UTC)))

    patched = api.patch_case(case["caseId"], {"priority": "high", "assignee": "ana-from-crm"}, if_match="2")

    assert patched.status == 200
    assert patched.body["assignee"] == "ana-from-crm" and patched.body["priority"] == "high"


def test_a_task_cannot_be_assigned_to_someone_unknown_and_me_is_the_caller(api):
    refused = api.create_task({"name": "Call back", "assignee": "nobody"})
    mine = api.create_task({"name": "Call back", "assignee": "me"})
    queued = api.create_task({"name": "Call back", "queue": "billing"}).body

    assert refused.status == 422 and refused.body["code"] == "UNKNOWN_ASSIGNEE"
    assert mine.status == 201 and mine.body["assignee"] == "p-sam"
    assert api.patch_task(queued["taskId"], {"assignee": "u-olga"}, if_match="1").status == 422
    assert api.patch_task(queued["taskId"], {"assignee": "u-ana"}, if_match="1").body["assignee"] == "u-ana"


RULE = {"name": "Fraud to Ana", "trigger": "OnCaseCreate", "actions": [{"type": "assignAgent", "agent": "u-ana"}]}


@pytest.mark.parametrize(
    "action",
    [
        {"type": "assignAgent", "agent": "u-gone"},
        {"type": "assignAgent", "agent": "me"},  # applied later by the rule, when no one is "me"
        {"type": "createTask", "name": "Call back", "assignee": "u-olga"},
    ],
)
def test_a_rule_names_only_active_users_of_the_tenant_as_assignees(api, action):
    # When a supervisor creates a rule that would assign to someone who is not an active user here
    refused = api.request("create_rule", body={**RULE, "actions": [action]})

    # Then it is a 422 naming them, and no rule was stored
    assert refused.status == 422 and refused.body["code"] == "UNKNOWN_ASSIGNEE"
    assert refused.body["details"] == {"assignee": action.get("agent") or action.get("assignee")}
    assert api.request("list_rules").body["items"] == []


def test_editing_a_rule_checks_the_assignees_it_names(api):
    rule = api.request("create_rule", body=RULE)
    assert rule.status == 201, rule.body

    path = f"/rules/{rule.body['ruleId']}"
    refused = api.request("patch_rule", path=path, body={"actions": [{"type": "assignAgent", "agent": "nobody"}]})
    renamed = api.request("patch_rule", path=path, body={"name": "Fraud team"})

    assert refused.status == 422 and refused.body["details"] == {"assignee": "nobody"}
    assert renamed.status == 200 and renamed.body["actions"] == RULE["actions"]
