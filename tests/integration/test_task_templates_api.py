"""Task templates through the real handler, on moto: defined by supervisors, applied on task creation."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.integration.api_client import ApiClient

pytestmark = pytest.mark.usefixtures("aws")

CALLBACK_TEMPLATE = {
    "name": "Callback",
    "fields": {
        "queue": {"required": True, "default": "callbacks"},
        "priority": {"readOnly": True, "default": "high"},
        "dueAt": {"required": True, "defaultIn": "PT4H"},
        "references": {"phone": {"required": True}},
    },
}
PHONE = {"phone": {"type": "string", "value": "+44 20 7946 0000"}}


@pytest.fixture
def supervisor() -> ApiClient:
    return ApiClient(principal_id="p-sue", name="Sue Supervisor", role="supervisor")


@pytest.fixture
def agent() -> ApiClient:
    return ApiClient()


@pytest.fixture
def template_id(supervisor) -> str:
    return supervisor.create_task_template(CALLBACK_TEMPLATE).body["templateId"]


def test_a_task_from_a_template_gets_its_defaults(agent, template_id):
    before = datetime.now(UTC)

    response = agent.create_task({"templateId": template_id, "name": "Call back Mrs Jones", "references": PHONE})

    assert response.status == 201, response.body
    task = response.body
    assert task["templateId"] == template_id and task["queue"] == "callbacks" and task["priority"] == "high"
    due = datetime.fromisoformat(task["dueAt"])
    assert before + timedelta(hours=4) <= due <= datetime.now(UTC) + timedelta(hours=4)


def test_a_field_the_template_requires_is_named_when_missing(agent, template_id):
    response = agent.create_task({"templateId": template_id, "name": "Call back"})

    assert response.status == 422 and response.body["code"] == "TEMPLATE_FIELD_REQUIRED"
    assert response.body["details"]["field"] == "references.phone"


def test_a_read_only_field_cannot_be_changed_but_may_be_repeated(agent, template_id):
    changed = agent.create_task({"templateId": template_id, "name": "Call back", "references": PHONE, "priority": "low"})
    repeated = agent.create_task({"templateId": template_id, "name": "Call back", "references": PHONE, "priority": "high"})

    assert changed.status == 422 and changed.body["code"] == "TEMPLATE_FIELD_READ_ONLY"
    assert changed.body["details"]["field"] == "priority"
    assert repeated.status == 201


def test_a_task_on_a_case_can_come_from_a_template(agent, template_id):
    agent.create_customer({"customerId": "cust-1", "name": "Customer 1"})
    case_id = agent.create_case({"title": "Refund", "customerId": "cust-1"}).body["caseId"]

    response = agent.create_task({"templateId": template_id, "name": "Call back", "references": PHONE}, case_id=case_id)

    assert response.status == 201 and response.body["caseId"] == case_id and response.body["queue"] == "callbacks"


def test_an_inactive_template_makes_no_new_tasks_and_leaves_old_ones_alone(supervisor, agent, template_id):
    made = agent.create_task({"templateId": template_id, "name": "Call back", "references": PHONE}).body

    deactivated = supervisor.patch_task_template(template_id, {"active": False}, if_match='"1"')
    refused = agent.create_task({"templateId": template_id, "name": "Call back", "references": PHONE})

    assert deactivated.status == 200 and deactivated.body["active"] is False and deactivated.body["version"] == 2
    assert refused.status == 409 and refused.body["code"] == "TASK_TEMPLATE_INACTIVE"
    assert agent.patch_task(made["taskId"], {"status": "done"}, if_match='"1"').status == 200


def test_only_supervisors_and_admins_define_templates_but_everyone_reads_them(supervisor, agent, template_id):
    assert agent.create_task_template(CALLBACK_TEMPLATE).status == 403
    assert agent.patch_task_template(template_id, {"active": False}, if_match='"1"').status == 403
    assert [t["templateId"] for t in agent.list_task_templates().body["items"]] == [template_id]
    assert agent.get_task_template(template_id).body["fields"]["dueAt"]["defaultIn"] == "PT4H"


def test_an_unknown_template_or_another_tenants_is_not_found(agent, template_id):
    intruder = ApiClient(tenant_id="acme")

    assert intruder.get_task_template(template_id).status == 404
    assert intruder.list_task_templates().body["items"] == []
    response = intruder.create_task({"templateId": template_id, "name": "x", "queue": "q"})
    assert response.status == 422 and response.body["code"] == "UNKNOWN_REFERENCE"


def test_a_stale_template_update_is_refused(supervisor, template_id):
    supervisor.patch_task_template(template_id, {"name": "Callbacks"}, if_match='"1"')

    stale = supervisor.patch_task_template(template_id, {"active": False}, if_match='"1"')

    assert stale.status == 412 and supervisor.get_task_template(template_id).body["active"] is True


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "fields": {"queue": {"required": True, "readOnly": True}}}, "fields.queue"),
        ({"name": "x", "fields": {"dueAt": {"defaultIn": "-PT1H"}}}, "fields.dueAt.defaultIn"),
        ({"name": "x", "fields": {"colour": {"default": "red"}}}, "fields.colour"),
        ({"fields": {}}, "name"),
    ],
    ids=["unsatisfiable", "due-in-the-past", "unknown-field", "no-name"],
)
def test_an_invalid_template_is_refused_with_the_field_named(supervisor, body, field):
    response = supervisor.create_task_template(body)

    assert response.status == 422 and response.body["code"] == "VALIDATION_ERROR"
    assert any(issue["field"].startswith(field) for issue in response.body["fields"]), response.body
