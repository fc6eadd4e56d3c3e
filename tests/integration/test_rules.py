"""Rules end to end on moto: managed through the real API, applied by the Rules consumer to case
events delivered through SQS (built from the audit records the API wrote, as the publisher relays
them: at least once)."""

from pathlib import Path

import pytest

from casetrail.admin import run_load_rules
from casetrail.store import keys
from casetrail.store.dynamo import Table
from casetrail.store.rules import RuleRepository
from tests.conftest import TEST_ENVIRONMENT
from tests.integration.api_client import ApiClient
from tests.integration.test_billing import published_detail, sqs_batch
from tests.lambda_context import FakeLambdaContext

pytestmark = pytest.mark.usefixtures("aws", "fresh_rule_engine")

DEFAULT_RULES = Path(__file__).resolve().parents[2] / "config" / "rules.json"
FRAUD_RULE = "Fraud mentioned in a conversation"
TRANSCRIPT = "Customer: Hi, there's an unauthorised charge of 240 EUR on my card.\nAgent: Let me check that for you."


@pytest.fixture
def fresh_rule_engine():
    from casetrail.handlers.rules_consumer import rule_engine

    rule_engine.cache_clear()  # its rule cache belongs to the previous test's tables
    yield
    rule_engine.cache_clear()


@pytest.fixture
def agent() -> ApiClient:
    return ApiClient()


@pytest.fixture
def supervisor() -> ApiClient:
    return ApiClient(principal_id="p-demo-supervisor", name="Sam Supervisor", role="supervisor")


def cases_table() -> Table:
    return Table(TEST_ENVIRONMENT["CASES_TABLE_NAME"])


def deliver(*details: dict) -> dict:
    from casetrail.handlers.rules_consumer import handler

    return handler(sqs_batch(*details), FakeLambdaContext())


def new_case(agent: ApiClient, title: str = "Question about my card") -> str:
    agent.create_customer({"customerId": "cust-1", "name": "Customer 1"})
    response = agent.create_case({"title": title, "customerId": "cust-1", "queue": "general"})
    assert response.status == 201, response.body
    return response.body["caseId"]


def add_chat(agent: ApiClient, case_id: str, transcript: str = TRANSCRIPT) -> dict:
    content = {"contactId": "chat-1", "channel": "CHAT", "direction": "INBOUND", "initiatedAt": "2026-11-25T09:00:00Z", "transcript": transcript}
    response = agent.add_related_item(case_id, "contact", content)
    assert response.status == 201, response.body
    return published_detail(case_id, version=2)


def create_rule(supervisor: ApiClient, body: dict) -> dict:
    response = supervisor.request("create_rule", body=body)
    assert response.status == 201, response.body
    return response.body


def test_a_chat_transcript_mentioning_an_unauthorised_charge_turns_a_new_case_urgent_fraud(agent):
    # Given the demo tenant's default rules, and a new case in the general queue
    run_load_rules(str(DEFAULT_RULES), RuleRepository(cases_table()))
    case_id = new_case(agent)
    # When a chat contact whose transcript mentions an unauthorised charge is added, and its event reaches the rules
    result = deliver(add_chat(agent, case_id))
    # Then the case is urgent, in the fraud category and queue, and the audit says which rule did it
    assert result == {"batchItemFailures": []}
    case = agent.get_case(case_id).body
    assert (case["priority"], case["category"], case["queue"]) == ("urgent", "fraud", "fraud")
    assert "fraud-suspected" in case["tags"]
    last = agent.audit(case_id).body["items"]
    by_rule = [e for e in last if e["performedBy"]["name"] == f"rule:{FRAUD_RULE}"]
    assert len(by_rule) == 1 and by_rule[0]["action"] == "CASE.UPDATED"
    assert {c["fieldId"] for c in by_rule[0]["changes"]} == {"priority", "category", "queue", "tags"}


def test_the_notify_action_publishes_an_event_subscribers_can_choose(agent):
    # Given the default fraud rule (which notifies) and a case
    rules = run_load_rules(str(DEFAULT_RULES), RuleRepository(cases_table()))
    rule_id = rules["demo"][0]
    case_id = new_case(agent)
    # When a fraud conversation reaches the rules
    detail = add_chat(agent, case_id)
    deliver(detail)
    # Then a RULE.NOTIFY event is in the outbox, carrying the case as the rule left it
    outbox = cases_table().get(keys.rule_event_item("demo", case_id, detail["eventId"], rule_id, 0))
    assert outbox["entity"] == "AUDIT"
    assert outbox["change"]["eventType"] == "RULE.NOTIFY" and outbox["change"]["ruleName"] == FRAUD_RULE
    assert outbox["change"]["case"]["priority"] == "urgent"


def test_a_conversation_without_the_words_changes_nothing(agent):
    run_load_rules(str(DEFAULT_RULES), RuleRepository(cases_table()))
    case_id = new_case(agent)
    deliver(add_chat(agent, case_id, "Customer: my card is not fraudulent, it just stopped working."))
    case = agent.get_case(case_id).body
    assert (case["priority"], case["category"], case["version"]) == ("normal", None, 2)


def test_a_rules_own_change_does_not_trigger_rules(agent, supervisor):
    # Given the fraud rule, and a rule that would react to any update of an urgent case
    run_load_rules(str(DEFAULT_RULES), RuleRepository(cases_table()))
    create_rule(supervisor, {"name": "Escalate urgent", "trigger": "OnCaseUpdate", "condition": {"type": "fieldEquals", "field": "priority", "value": "urgent"}, "actions": [{"type": "addTags", "tags": ["escalated"]}]})
    case_id = new_case(agent)
    deliver(add_chat(agent, case_id))
    # When the fraud rule's own CASE.UPDATED event reaches the rules
    rule_change = published_detail(case_id, version=3)
    assert rule_change["performedBy"]["principalId"].startswith("rule:")
    deliver(rule_change)
    # Then nothing reacts to it: no new version, no "escalated" tag
    case = agent.get_case(case_id).body
    assert case["version"] == 3 and "escalated" not in case["tags"]


def test_a_person_updating_the_case_does_trigger_rules(agent, supervisor):
    # The other side of the no-loop guarantee: the same update rule fires for a person's change.
    create_rule(supervisor, {"name": "Escalate urgent", "trigger": "OnCaseUpdate", "condition": {"type": "fieldChangedTo", "field": "priority", "value": "urgent"}, "actions": [{"type": "addTags", "tags": ["escalated"]}]})
    case_id = new_case(agent)
    assert agent.patch_case(case_id, {"priority": "urgent"}, if_match='"1"').status == 200
    deliver(published_detail(case_id, version=2))
    assert "escalated" in agent.get_case(case_id).body["tags"]


def test_a_rule_triggered_by_a_merge_leaves_the_merged_case_alone(agent, supervisor):
    # Given a rule that acts on closed cases, and a duplicate closed by a merge
    create_rule(supervisor, {"name": "Tag closed", "trigger": "OnCaseUpdate", "condition": {"type": "fieldChangedTo", "field": "status", "value": "closed"}, "actions": [{"type": "addTags", "tags": ["done"]}]})
    survivor, duplicate = new_case(agent, "Card blocked"), new_case(agent, "Card blocked again")
    assert supervisor.request("merge_case", path=f"/cases/{duplicate}/merge", body={"into": survivor}).status == 200

    # When the closure's event reaches the rules, Then it is consumed and the read-only case stays as merged
    assert deliver(published_detail(duplicate, version=2)) == {"batchItemFailures": []}
    assert "done" not in agent.get_case(duplicate).body["tags"]


def test_a_duplicated_event_applies_a_rule_once(agent, supervisor):
    # Given a rule that tags the case and creates a follow-up task
    create_rule(
        supervisor,
        {
            "name": "Card stolen follow-up",
            "trigger": "OnRelatedItemCreate",
            "condition": {"type": "containsAny", "phrases": ["unauthorised charge"]},
            "actions": [{"type": "addTags", "tags": ["follow-up"]}, {"type": "createTask", "name": "Call the customer back", "queue": "fraud", "dueInMinutes": 60}],
        },
    )
    case_id = new_case(agent)
    detail = add_chat(agent, case_id)
    # When the event arrives twice in a batch, then once more later
    deliver(detail, detail)
    deliver(detail)
    # Then the case changed once (one rule version) and one task was created
    case = agent.get_case(case_id).body
    assert case["tags"] == ["follow-up"]
    tasks = agent.case_tasks(case_id).body["items"]
    assert [t["name"] for t in tasks] == ["Call the customer back"]
    assert case["version"] == 4  # 2 (contact) + 1 (the rule's change) + 1 (the task, linked to the case)


def test_rules_are_managed_by_supervisors(agent, supervisor):
    body = {"name": "Tag VIPs", "trigger": "OnCaseCreate", "actions": [{"type": "addTags", "tags": ["vip"]}]}
    assert agent.request("create_rule", body=body).status == 403
    rule = create_rule(supervisor, body)
    path = f"/rules/{rule['ruleId']}"
    assert [r["ruleId"] for r in agent.request("list_rules").body["items"]] == [rule["ruleId"]]
    patched = supervisor.request("patch_rule", path=path, body={"active": False})
    assert patched.status == 200 and patched.body["active"] is False and patched.body["version"] == 2
    assert supervisor.request("delete_rule", path=path).status == 204
    assert supervisor.request("get_rule", path=path).status == 404


def test_another_tenants_rule_is_not_found(supervisor):
    rule = create_rule(supervisor, {"name": "Tag VIPs", "trigger": "OnCaseCreate", "actions": [{"type": "addTags", "tags": ["vip"]}]})
    other = ApiClient(tenant_id="other", principal_id="p-other", role="supervisor")
    assert other.request("get_rule", path=f"/rules/{rule['ruleId']}").status == 404
    assert other.request("list_rules").body["items"] == []


def test_an_unsafe_regex_is_refused_with_a_clear_error(supervisor):
    body = {"name": "Bad", "trigger": "OnCaseCreate", "condition": {"type": "matches", "pattern": "(a+)+$"}, "actions": [{"type": "notify"}]}
    response = supervisor.request("create_rule", body=body)
    assert response.status == 422
    assert "nested quantifiers" in str(response.body["fields"])


def test_testing_a_rule_shows_what_it_would_do_and_changes_nothing(agent, supervisor):
    # Given the fraud rule and a case
    rule_id = run_load_rules(str(DEFAULT_RULES), RuleRepository(cases_table()))["demo"][0]
    new_case(agent)
    before = cases_table().client.scan(TableName=cases_table().name)["Items"]
    # When a sample contact event is tested against it
    response = supervisor.request("test_rule", path=f"/rules/{rule_id}/test")
    # Then the answer says it matches and what it would set, and nothing was written
    assert response.status == 200, response.body
    assert response.body["matched"] is True
    assert response.body["caseChanges"] == {"category": "fraud", "priority": "urgent", "queue": "fraud", "tags": ["fraud-suspected"]}
    assert response.body["events"] == ["RULE.NOTIFY"]
    assert cases_table().client.scan(TableName=cases_table().name)["Items"] == before


def test_loading_the_default_rules_twice_keeps_one_copy(supervisor):
    run_load_rules(str(DEFAULT_RULES), RuleRepository(cases_table()))
    run_load_rules(str(DEFAULT_RULES), RuleRepository(cases_table()))
    names = [r["name"] for r in supervisor.request("list_rules").body["items"]]
    assert sorted(names) == sorted(set(names)) and FRAUD_RULE in names


def test_a_case_changed_while_a_rule_applies_is_read_again_and_both_changes_survive(agent):
    # Given the fraud rule, and an agent who renames the case just after the rule read it
    from casetrail.service.rules import RuleEngine
    from casetrail.service.tasks import TaskService
    from casetrail.store.cases import CaseRepository
    from casetrail.store.tasks import TaskRepository

    run_load_rules(str(DEFAULT_RULES), RuleRepository(cases_table()))
    case_id = new_case(agent)
    detail = add_chat(agent, case_id)

    class RacingCases(CaseRepository):
        raced = False

        def save(self, change, also=None, earlier=None):
            if not self.raced:
                self.raced = True
                assert agent.patch_case(case_id, {"title": "Renamed meanwhile"}, if_match=f'"{change.case.version - 1}"').status == 200
            super().save(change, also=also, earlier=earlier)

    cases = RacingCases(cases_table())
    engine = RuleEngine(RuleRepository(cases_table()), cases, TaskService(TaskRepository(Table(TEST_ENVIRONMENT["TASKS_TABLE_NAME"])), cases))
    # When the rule applies
    outcomes = engine.handle(detail)
    # Then its first write lost to the agent's, and the retry applied it on top of the new title
    assert cases.raced and [o.rule_name for o in outcomes] == [FRAUD_RULE]
    case = agent.get_case(case_id).body
    assert (case["title"], case["priority"], case["queue"], case["version"]) == ("Renamed meanwhile", "urgent", "fraud", 4)


@pytest.mark.parametrize(
    ("title", "renamed_to", "fires"),
    [
        ("Unauthorised charge on my card", "Card question", True),
        ("Card question", "Unauthorised charge on my card", False),
    ],
)
def test_a_case_creation_rule_judges_the_title_the_event_carries_not_a_later_rename(agent, title, renamed_to, fires):
    # Given the default rules ("fraud ... unauthorised charge" in a new case's title → fraud queue)
    run_load_rules(str(DEFAULT_RULES), RuleRepository(cases_table()))
    case_id = new_case(agent, title=title)
    created = published_detail(case_id, version=1)
    # And the case renamed before the Rules consumer gets to its CASE.CREATED
    assert agent.patch_case(case_id, {"title": renamed_to}, if_match='"1"').status == 200

    # When the CASE.CREATED is delivered
    assert deliver(created) == {"batchItemFailures": []}

    # Then the rule judged the title the case was created with, whatever it is called now
    case = agent.get_case(case_id).body
    assert (case["queue"] == "fraud") is fires
    assert case["title"] == renamed_to
