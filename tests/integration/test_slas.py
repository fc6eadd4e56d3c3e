"""SLAs end to end on moto: cases made through the real API, their events delivered to the SLA
consumer through SQS (built from the audit records, as the publisher relays them), breaches
flagged by the sweeper handler and by a sweep with a controllable clock."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from casetrail.domain.cases import CasePatch, update_case
from casetrail.domain.errors import VersionConflict
from casetrail.domain.identity import Principal, Role

from casetrail.service.slas import SlaService
from casetrail.store.cases import CaseRepository
from casetrail.store import keys
from casetrail.store.dynamo import Table
from casetrail.store.sla_calendars import SlaCalendarRepository
from casetrail.store.timeline import TimelineRepository
from casetrail.settings import get_settings
from tests.conftest import TEST_ENVIRONMENT, load_event
from tests.integration.api_client import ApiClient
from tests.integration.task_store import case_audit_events
from tests.integration.test_billing import published_detail, sqs_batch
from tests.lambda_context import FakeLambdaContext

pytestmark = pytest.mark.usefixtures("aws", "sla_policies")

URGENT_WITHIN_4_HOURS = {"policies": [{"name": "resolve-urgent", "priority": "urgent", "targetMinutes": 240}]}


@pytest.fixture
def sla_policies(monkeypatch):
    from casetrail.handlers.sla_consumer import sla_service

    monkeypatch.setenv("SLA_CONFIGURATION", json.dumps(URGENT_WITHIN_4_HOURS))  # 24x7 calendar
    get_settings.cache_clear()
    sla_service.cache_clear()
    yield
    get_settings.cache_clear()
    sla_service.cache_clear()


@pytest.fixture
def agent() -> ApiClient:
    agent = ApiClient()
    agent.create_customer({"customerId": "cust-1", "name": "Customer 1"})
    return agent


def deliver(*details: dict) -> dict:
    from casetrail.handlers.sla_consumer import handler

    return handler(sqs_batch(*details), FakeLambdaContext())


def urgent_case(agent: ApiClient) -> dict:
    response = agent.create_case({"title": "Card blocked abroad", "customerId": "cust-1", "priority": "urgent"})
    assert response.status == 201, response.body
    deliver(published_detail(response.body["caseId"], version=1))
    return agent.get_case(response.body["caseId"]).body


def set_status(agent: ApiClient, case: dict, status: str) -> dict:
    response = agent.patch_case(case["caseId"], {"status": status}, f'"{case["version"]}"')
    assert response.status == 200, response.body
    deliver(published_detail(case["caseId"], version=response.body["version"]))
    return agent.get_case(case["caseId"]).body


def sla_detail(case_id: str, *, version: int, sla_revision: int) -> dict:
    """The event detail of an SLA change: recorded beside the case version it was made on."""
    table = Table(TEST_ENVIRONMENT["CASES_TABLE_NAME"])
    return table.get(keys.case_sla_audit_item("demo", case_id, version, sla_revision))["change"]


def sweeper_at(moment: datetime) -> SlaService:
    table = Table(TEST_ENVIRONMENT["CASES_TABLE_NAME"])
    configuration = get_settings().sla_configuration
    return SlaService(CaseRepository(table), TimelineRepository(table), configuration, SlaCalendarRepository(table), clock=lambda: moment)


def sla_events(agent: ApiClient, case_id: str) -> list[str]:
    return [entry["action"] for entry in agent.audit(case_id).body["items"] if entry["action"].startswith("SLA.")]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_an_urgent_case_gets_its_sla_and_shows_when_it_breaches(agent):
    # Given the policy "urgent → resolved within 240 business minutes" (24x7)
    # When an urgent case is created and its event reaches the SLA consumer
    case = urgent_case(agent)
    # Then the case carries the SLA, Active, due 240 minutes after creation, as its next breach
    [sla] = case["slas"]
    assert (sla["name"], sla["status"], sla["completion"]) == ("resolve-urgent", "Active", "status = resolved")
    assert at(sla["targetTime"]) == at(case["createdAt"]) + timedelta(minutes=240) == at(case["nextSlaBreachAt"])
    # And the timeline shows an sla item, and the audit an SLA.ASSIGNED change
    [item] = agent.timeline(case["caseId"], type="sla").body["items"]
    assert item["content"]["name"] == "resolve-urgent" and item["content"]["event"] == "SLA.ASSIGNED"
    assert sla_events(agent, case["caseId"]) == ["SLA.ASSIGNED"]


def test_a_redelivered_event_assigns_the_sla_once(agent):
    case = urgent_case(agent)
    deliver(published_detail(case["caseId"], version=1), published_detail(case["caseId"], version=1))
    assert len(agent.get_case(case["caseId"]).body["slas"]) == 1
    assert sla_events(agent, case["caseId"]) == ["SLA.ASSIGNED"]


def test_waiting_on_the_customer_pauses_the_clock_and_the_breach_moves_by_the_pause(agent):
    case = urgent_case(agent)
    # When the case waits on the customer, the clock stops: no breach is due
    paused = set_status(agent, case, "pending_customer")
    assert paused["nextSlaBreachAt"] is None and paused["slas"][0]["targetTime"] is None
    # And when work resumes, the breach is later by exactly the time spent waiting
    resumed = set_status(agent, paused, "in_progress")
    history = {c["at"]: c["status"] for c in resumed["slas"][0]["statusChanges"]}
    pause_started = next(at(t) for t, s in history.items() if s == "pending_customer")
    pause_ended = next(at(t) for t, s in history.items() if s == "in_progress")
    assert at(resumed["nextSlaBreachAt"]) == at(case["nextSlaBreachAt"]) + (pause_ended - pause_started)
    assert sla_events(agent, case["caseId"]) == ["SLA.ASSIGNED", "SLA.UPDATED", "SLA.UPDATED"]


def test_a_breach_is_flagged_once_however_often_the_sweeper_runs(agent):
    case = urgent_case(agent)
    just_past = at(case["nextSlaBreachAt"]) + timedelta(seconds=30)
    # When two sweeps run after the target time
    first, second = sweeper_at(just_past).flag_breaches(["demo"]), sweeper_at(just_past).flag_breaches(["demo"])
    # Then the SLA is Overdue, flagged by the first only, with one SLA.BREACHED in the audit
    assert (first.flagged, second.flagged) == (1, 0)
    breached = agent.get_case(case["caseId"]).body
    assert breached["slas"][0]["status"] == "Overdue" and breached["nextSlaBreachAt"] is None
    assert sla_events(agent, case["caseId"]) == ["SLA.ASSIGNED", "SLA.BREACHED"]
    breach = sla_detail(case["caseId"], version=breached["version"], sla_revision=2)
    assert breach["eventType"] == "SLA.BREACHED" and breach["relatedItem"]["content"]["name"] == "resolve-urgent"


def test_a_sweep_before_the_target_flags_nothing(agent):
    case = urgent_case(agent)
    result = sweeper_at(at(case["nextSlaBreachAt"]) - timedelta(seconds=1)).flag_breaches(["demo"])
    # Not even read: the due index holds it under its breach time
    assert (result.read, result.flagged) == (0, 0) and agent.get_case(case["caseId"]).body["slas"][0]["status"] == "Active"


def test_resolving_before_the_target_meets_the_sla(agent):
    case = urgent_case(agent)
    resolved = set_status(agent, case, "resolved")
    [sla] = resolved["slas"]
    assert sla["status"] == "Met"
    assert at(sla["completionTime"]) == at(resolved["resolvedAt"]) and resolved["nextSlaBreachAt"] is None
    assert sla_events(agent, case["caseId"]) == ["SLA.ASSIGNED", "SLA.MET"]
    # And a later sweep does not even read it: a met SLA leaves the due index
    assert sweeper_at(at(sla["targetTime"]) + timedelta(hours=1)).flag_breaches(["demo"]).read == 0


def test_resolving_an_overdue_case_does_not_meet_its_sla(agent):
    case = urgent_case(agent)
    sweeper_at(at(case["nextSlaBreachAt"]) + timedelta(minutes=1)).flag_breaches(["demo"])
    resolved = set_status(agent, agent.get_case(case["caseId"]).body, "resolved")
    assert resolved["slas"][0]["status"] == "NotMet"
    assert sla_events(agent, case["caseId"]) == ["SLA.ASSIGNED", "SLA.BREACHED", "SLA.NOT_MET"]


def test_the_sweeper_handler_runs_on_a_scheduled_event(agent):
    from casetrail.handlers import sla_sweeper

    urgent_case(agent)  # due in 4 hours: not read by a sweep now
    assert sla_sweeper.handler(load_event("schedule/scheduled_event.json"), FakeLambdaContext()) == {"read": 0, "flagged": 0}


def test_a_wait_handled_before_the_cases_creation_still_pauses_its_new_sla(agent):
    # Given an urgent case put straight into pending_customer
    created = agent.create_case({"title": "Card blocked abroad", "customerId": "cust-1", "priority": "urgent"}).body
    agent.patch_case(created["caseId"], {"status": "pending_customer"}, '"1"')
    # When the consumer gets the wait's event before the creation's
    deliver(published_detail(created["caseId"], version=2))
    deliver(published_detail(created["caseId"], version=1))
    # Then the SLA assigned from the creation is paused by the wait the audit records
    case = agent.get_case(created["caseId"]).body
    assert case["slas"][0]["name"] == "resolve-urgent" and case["nextSlaBreachAt"] is None


def test_raising_a_cases_priority_gives_it_the_policys_sla(agent):
    created = agent.create_case({"title": "Card blocked abroad", "customerId": "cust-1"}).body
    deliver(published_detail(created["caseId"], version=1))
    assert agent.get_case(created["caseId"]).body["slas"] == []
    # When the case becomes urgent (by an agent or a rule), the SLA starts at that change
    raised = agent.patch_case(created["caseId"], {"priority": "urgent"}, '"1"').body
    deliver(published_detail(created["caseId"], version=2))
    case = agent.get_case(created["caseId"]).body
    assert at(case["nextSlaBreachAt"]) == at(raised["updatedAt"]) + timedelta(minutes=240)


def test_a_tenant_with_its_own_business_calendar_gets_clocks_on_its_hours(agent):
    from casetrail.domain.sla_clock import BusinessCalendar
    from casetrail.store.sla_calendars import SlaCalendarRepository

    # Given a tenant open one hour a week, on Mondays from 09:00 to 10:00 UTC
    monday_hour = BusinessCalendar.model_validate({"timeZone": "UTC", "hours": {"mon": [{"opens": "09:00", "closes": "10:00"}]}})
    SlaCalendarRepository(Table(TEST_ENVIRONMENT["CASES_TABLE_NAME"])).put("demo", monday_hour)

    # When an urgent case opens, its 240 business minutes run in four of those hours
    sla = urgent_case(agent)["slas"][0]

    target = at(sla["targetTime"])
    assert target.weekday() == 0 and target.hour == 10 and target.minute == 0
    assert timedelta(days=21) < target - at(sla["startedAt"]) < timedelta(days=29)


def test_the_sla_clock_never_invalidates_the_version_a_client_holds(agent):
    # Given an urgent case created at version 1, whose SLA the consumer then assigns
    created = agent.create_case({"title": "Card blocked abroad", "customerId": "cust-1", "priority": "urgent"}).body
    deliver(published_detail(created["caseId"], version=1))
    case = agent.get_case(created["caseId"]).body
    assert [sla["status"] for sla in case["slas"]] == ["Active"] and case["nextSlaBreachAt"]
    assert (case["version"], case["updatedAt"]) == (1, created["updatedAt"])

    # When the client updates with the version the create returned
    updated = agent.patch_case(created["caseId"], {"status": "pending_customer"}, '"1"')

    # Then the update applies, and the SLA the consumer wrote meanwhile is still there
    assert updated.status == 200, updated.body
    assert updated.body["version"] == 2
    assert [sla["name"] for sla in agent.get_case(created["caseId"]).body["slas"]] == ["resolve-urgent"]
    assert [(e["action"], e["version"]) for e in agent.audit(created["caseId"]).body["items"]] == [
        ("CASE.CREATED", 1),
        ("SLA.ASSIGNED", 1),
        ("CASE.UPDATED", 2),
    ]


def test_an_edit_computed_before_the_sla_clock_wrote_cannot_erase_its_sla(agent):
    # Given a case an agent's request read at version 1, before the SLA consumer assigned its SLA
    created = agent.create_case({"title": "Card blocked abroad", "customerId": "cust-1", "priority": "urgent"}).body
    repository = CaseRepository(Table(TEST_ENVIRONMENT["CASES_TABLE_NAME"]))
    stale = repository.get("demo", created["caseId"])
    deliver(published_detail(created["caseId"], version=1))
    agent_principal = Principal(tenant_id="demo", principal_id="p-demo-agent", name="Ana Agent", role=Role.AGENT)
    change = update_case(stale, CasePatch(title="Card blocked in Lisbon"), by=agent_principal, at=datetime.now(UTC))

    # When that request saves its change, computed on the read without the SLA
    # Then it is refused (the service re-reads and retries it), and the SLA stays
    with pytest.raises(VersionConflict):
        repository.save(change)
    assert [sla["name"] for sla in agent.get_case(created["caseId"]).body["slas"]] == ["resolve-urgent"]


def test_an_sla_assigned_after_the_case_was_resolved_still_publishes_its_completion(agent):
    from casetrail.handlers.metrics_consumer import handler as metrics_handler
    from casetrail.handlers.metrics_consumer import recorder

    recorder.cache_clear()
    # Given two urgent cases that breached their SLA and were then resolved (NotMet)
    missed = []
    for _ in range(2):
        case = urgent_case(agent)
        sweeper_at(at(case["nextSlaBreachAt"]) + timedelta(minutes=1)).flag_breaches(["demo"])
        missed.append(set_status(agent, agent.get_case(case["caseId"]).body, "resolved"))
    # And an urgent case resolved at once, before the SLA consumer got to its creation (consumer lag)
    late = agent.create_case({"title": "Card blocked abroad", "customerId": "cust-1", "priority": "urgent"}).body
    agent.patch_case(late["caseId"], {"status": "resolved"}, '"1"')

    # When the creation and then the resolution reach the SLA consumer
    deliver(published_detail(late["caseId"], version=1))
    deliver(published_detail(late["caseId"], version=2))

    # Then the SLA is Met and the audit says so: SLA.ASSIGNED, then SLA.MET at the resolution
    case = agent.get_case(late["caseId"]).body
    assert case["slas"][0]["status"] == "Met"
    assert sla_events(agent, late["caseId"]) == ["SLA.ASSIGNED", "SLA.MET"]
    [met] = [e for e in case_audit_events("demo", late["caseId"]) if e["eventType"] == "SLA.MET"]
    assert at(met["approximateChangeTime"]) == at(case["resolvedAt"])
    # And the metrics consumer, given every SLA event, reads the true rate: 1 met of 3 completed
    completions = ("SLA.MET", "SLA.NOT_MET")
    sla_details = [e for c in (*missed, case) for e in case_audit_events("demo", c["caseId"]) if e["eventType"] in completions]
    assert len(sla_details) == 3
    assert metrics_handler(sqs_batch(*sla_details), FakeLambdaContext()) == {"batchItemFailures": []}
    supervisor = ApiClient(principal_id="p-demo-supervisor", name="Sam Supervisor", role="supervisor")
    resolved_on = at(case["resolvedAt"]).date()
    days = {"from": (resolved_on - timedelta(days=1)).isoformat(), "to": (resolved_on + timedelta(days=1)).isoformat()}
    report = supervisor.request("get_metrics", query={**days, "groupBy": "day"}).body
    assert report["totals"]["slaMetRate"] == 0.3333


def test_a_tenants_due_slas_are_in_partitions_of_its_own(agent):
    # Given a case of tenant demo past its SLA target
    case = urgent_case(agent)
    past = at(case["nextSlaBreachAt"]) + timedelta(minutes=1)
    # When another tenant's due partitions are swept, nothing of demo's is read (no partition is shared)
    assert sweeper_at(past).flag_breaches(["another-tenant"]).read == 0
    # Then demo's own sweep finds it
    assert sweeper_at(past).flag_breaches(["demo"]).flagged == 1


def test_every_created_tenant_is_in_the_directory_the_sweepers_walk(agent):
    from casetrail.store.access import AccessRepository

    # Given a second tenant, listed in the tenant directory as every created tenant is
    assert AccessRepository(Table(TEST_ENVIRONMENT["ACCESS_TABLE_NAME"])).create_tenant("acme", "Acme")
    assert set(AccessRepository(Table(TEST_ENVIRONMENT["ACCESS_TABLE_NAME"])).tenant_ids()) == {"demo", "acme"}
