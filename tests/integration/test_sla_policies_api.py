"""GET /sla-policies through the real handler on moto: supervisors read the policies their tenant's
cases get and the calendar the clocks run on; nobody writes them through the API."""

import json
from pathlib import Path

import pytest

from casetrail.admin import _parser, run_set_sla_calendar
from casetrail.settings import get_settings
from casetrail.store.dynamo import Table
from casetrail.store.sla_calendars import SlaCalendarRepository
from tests.conftest import TEST_ENVIRONMENT
from tests.integration.api_client import ApiClient

pytestmark = pytest.mark.usefixtures("aws", "deployed_policies")

POLICIES = {
    "calendar": {"timeZone": "Europe/Paris", "hours": {"mon": [{"opens": "09:00", "closes": "17:00"}]}},
    "policies": [
        {"name": "resolve-urgent", "priority": "urgent", "targetMinutes": 240},
        {"name": "refunds-in-2-days", "templateId": "refund", "targetMinutes": 960},
    ],
}
SUPERVISOR = ApiClient(principal_id="p-demo-supervisor", name="Sam Supervisor", role="supervisor")


@pytest.fixture
def deployed_policies(monkeypatch):
    from casetrail.handlers.dependencies import sla_policy_reader

    monkeypatch.setenv("SLA_CONFIGURATION", json.dumps(POLICIES))
    get_settings.cache_clear()
    sla_policy_reader.cache_clear()
    yield
    get_settings.cache_clear()
    sla_policy_reader.cache_clear()


def test_a_supervisor_reads_the_deployments_policies_and_calendar():
    response = SUPERVISOR.request("get_sla_policies")

    assert response.status == 200
    assert [(p["name"], p["targetMinutes"]) for p in response.body["policies"]] == [("resolve-urgent", 240), ("refunds-in-2-days", 960)]
    assert response.body["policies"][1]["templateId"] == "refund"
    assert response.body["calendar"]["timeZone"] == "Europe/Paris"
    assert response.body["calendarSource"] == "deployment"


def test_a_tenants_own_calendar_is_the_one_shown(tmp_path: Path):
    calendar_file = tmp_path / "calendar.json"
    calendar_file.write_text(json.dumps({"timeZone": "America/New_York", "hours": {"fri": [{"opens": "08:00", "closes": "20:00"}]}}))
    arguments = _parser().parse_args(["--local", "set-sla-calendar", "--tenant", "demo", "--file", str(calendar_file)])
    run_set_sla_calendar(arguments, SlaCalendarRepository(Table(TEST_ENVIRONMENT["CASES_TABLE_NAME"])))

    body = SUPERVISOR.request("get_sla_policies").body

    assert (body["calendar"]["timeZone"], body["calendarSource"]) == ("America/New_York", "tenant")
    assert len(body["policies"]) == 2


def test_another_tenants_calendar_is_not_shown():
    SlaCalendarRepository(Table(TEST_ENVIRONMENT["CASES_TABLE_NAME"])).put("acme", _calendar("Asia/Tokyo"))

    body = SUPERVISOR.request("get_sla_policies").body

    assert (body["calendar"]["timeZone"], body["calendarSource"]) == ("Europe/Paris", "deployment")


def test_an_agent_may_not_read_them():
    response = ApiClient().request("get_sla_policies")

    assert response.status == 403
    assert response.body["code"] == "FORBIDDEN"


def test_they_cannot_be_changed_through_the_api():
    posted = SUPERVISOR.request("create_rule", path="/sla-policies", body={"policies": []})

    assert posted.status in (404, 405)
    assert len(SUPERVISOR.request("get_sla_policies").body["policies"]) == 2


def _calendar(zone: str):
    from casetrail.domain.sla_clock import BusinessCalendar

    return BusinessCalendar(time_zone=zone)
