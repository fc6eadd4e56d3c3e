"""Rule evaluation: what a rule matches in a case event, and what it would change."""

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from casetrail.domain.rules import NewRule, Rule, evaluate
from casetrail.domain.rule_text import MAX_REGEX_INPUT

AT = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
CASE = {"caseId": "c1", "title": "Card problem", "description": None, "priority": "normal", "status": "open", "category": None, "queue": "general", "tags": ["vip"]}
URGENT_FRAUD = [{"type": "setPriority", "priority": "urgent"}, {"type": "setCategory", "category": "fraud"}, {"type": "assignQueue", "queue": "fraud"}]


def rule(condition=None, *, trigger="OnRelatedItemCreate", actions=URGENT_FRAUD, active=True) -> Rule:
    command = NewRule.model_validate({"name": "Fraud", "trigger": trigger, "condition": condition, "actions": actions, "active": active})
    return Rule(rule_id="r1", tenant_id="t1", version=1, created_at=AT, updated_at=AT, created_by="sup", **command.model_dump())


def contact(transcript=None, summary=None, channel="CHAT", by="agent-1") -> dict:
    content = {"channel": channel, "transcript": transcript, "summary": summary}
    return {
        "eventType": "RELATED_ITEM.CREATED",
        "performedBy": {"principalId": by, "name": "Ana", "role": "agent"},
        "relatedItem": {"type": "contact", "content": {k: v for k, v in content.items() if v is not None}},
        "case": CASE,
    }


def any_of(*phrases):
    return {"type": "containsAny", "phrases": list(phrases)}


@pytest.mark.parametrize(
    "transcript",
    [
        "Customer: there is an UNAUTHORISED CHARGE on my card",
        "I see an unauthorised-charge, again",
        "unauthorised\n  charge!",
        "(unauthorised charge)",
    ],
)
def test_a_phrase_matches_whatever_the_case_spacing_or_punctuation(transcript):
    # Given a rule looking for a phrase in the conversation
    # When a contact's transcript holds that phrase, however written
    outcome = evaluate(rule(any_of("unauthorised charge")), contact(transcript), CASE)
    # Then the rule matches
    assert outcome.matched


@pytest.mark.parametrize("transcript", ["fraudulent activity", "antifraud team", "defrauded", "fraud_team"])
def test_a_phrase_matches_whole_words_only(transcript):
    assert not evaluate(rule(any_of("fraud")), contact(transcript), CASE).matched


def test_the_summary_is_read_as_well_as_the_transcript():
    assert evaluate(rule(any_of("stolen card")), contact(summary="Reported a stolen card."), CASE).matched


def test_a_comment_body_is_conversation_text():
    detail = {**contact(), "relatedItem": {"type": "comment", "content": {"body": "Possible FRAUD here"}}}
    assert evaluate(rule(any_of("fraud")), detail, CASE).matched


def test_contains_all_needs_every_phrase():
    condition = {"type": "containsAll", "phrases": ["card", "stolen"]}
    assert evaluate(rule(condition), contact("my card was stolen"), CASE).matched
    assert not evaluate(rule(condition), contact("my card was lost"), CASE).matched


def test_and_or_not_combine_conditions():
    # fraud words on any channel but email, or any mention of a chargeback
    condition = {
        "type": "or",
        "conditions": [
            {"type": "and", "conditions": [any_of("fraud"), {"type": "not", "condition": {"type": "channel", "channels": ["EMAIL"]}}]},
            any_of("chargeback"),
        ],
    }
    assert evaluate(rule(condition), contact("fraud!", channel="CHAT"), CASE).matched
    assert not evaluate(rule(condition), contact("fraud!", channel="EMAIL"), CASE).matched
    assert evaluate(rule(condition), contact("a chargeback", channel="EMAIL"), CASE).matched


def test_a_match_plans_only_the_changes_that_are_not_already_there():
    case = {**CASE, "queue": "fraud"}
    outcome = evaluate(rule(any_of("fraud")), contact("fraud"), case)
    assert outcome.case_changes == {"priority": "urgent", "category": "fraud"}


def test_added_tags_keep_the_existing_ones():
    outcome = evaluate(rule(actions=[{"type": "addTags", "tags": ["fraud", "vip"]}]), contact("x"), CASE)
    assert outcome.case_changes == {"tags": ["vip", "fraud"]}


def test_tasks_and_events_are_planned():
    actions = [
        {"type": "createTask", "name": "Call the customer back", "queue": "fraud", "dueInMinutes": 30},
        {"type": "notify"},
        {"type": "emitEvent", "name": "FraudSuspected"},
    ]
    outcome = evaluate(rule(actions=actions), contact("x"), CASE)
    assert [t.name for t in outcome.tasks] == ["Call the customer back"]
    assert outcome.events == ["RULE.NOTIFY", "RULE.FraudSuspected"]


def test_field_conditions_read_the_case():
    condition = {"type": "and", "conditions": [{"type": "fieldIn", "field": "priority", "values": ["normal", "low"]}, {"type": "fieldEquals", "field": "tags", "value": "vip"}]}
    assert evaluate(rule(condition), contact(), CASE).matched
    assert not evaluate(rule(condition), contact(), {**CASE, "priority": "high"}).matched


def test_changed_to_needs_an_update_that_moved_the_field():
    condition = {"type": "fieldChangedTo", "field": "status", "value": "pending_customer"}
    update = {"eventType": "CASE.UPDATED", "performedBy": {"principalId": "a"}, "changes": [{"fieldId": "status", "oldValue": "open", "newValue": "pending_customer"}]}
    other = {**update, "changes": [{"fieldId": "priority", "oldValue": "low", "newValue": "high"}]}
    pending = {**CASE, "status": "pending_customer"}
    assert evaluate(rule(condition, trigger="OnCaseUpdate"), update, pending).matched
    assert not evaluate(rule(condition, trigger="OnCaseUpdate"), other, pending).matched


def test_a_case_event_reads_the_title_and_description_the_event_carries():
    # Given a CASE.CREATED whose case spoke of a stolen card, and the case since reworded
    created = {"eventType": "CASE.CREATED", "performedBy": {"principalId": "a"}, "case": {**CASE, "description": "Customer reports a stolen card"}}
    now = {**CASE, "description": "Card question"}
    # Then the rule judges the event, not the case as it is now (and the reverse)
    assert evaluate(rule(any_of("stolen card"), trigger="OnCaseCreate"), created, now).matched
    reworded = {**created, "case": now}
    assert not evaluate(rule(any_of("stolen card"), trigger="OnCaseCreate"), reworded, created["case"]).matched


def test_a_rule_only_fires_on_its_trigger():
    outcome = evaluate(rule(trigger="OnCaseCreate"), contact("fraud"), CASE)
    assert not outcome.matched and "OnCaseCreate" in outcome.reason


def test_a_rules_own_change_never_matches():
    outcome = evaluate(rule(), contact("fraud", by="rule:r2"), CASE)
    assert not outcome.matched and "rule" in outcome.reason


def test_an_inactive_rule_never_matches():
    assert not evaluate(rule(active=False), contact("fraud"), CASE).matched


def test_a_regex_matches_case_insensitively():
    condition = {"type": "matches", "pattern": r"card ending \d{4}"}
    assert evaluate(rule(condition), contact("CARD ENDING 1234 was charged"), CASE).matched
    assert not evaluate(rule(condition), contact("card ending 12"), CASE).matched


def test_a_regex_reads_only_the_start_of_a_huge_text():
    condition = {"type": "matches", "pattern": "needle"}
    assert not evaluate(rule(condition), contact("x" * MAX_REGEX_INPUT + " needle"), CASE).matched


@pytest.mark.parametrize("pattern", ["(a+)+$", "(x*y?)*", r"(\w+)\s\1", "(?<=a)b", "a" * 201, "(unclosed"])
def test_an_unsafe_or_invalid_regex_is_refused(pattern):
    with pytest.raises(ValidationError):
        rule({"type": "matches", "pattern": pattern})


def test_a_phrase_without_words_is_refused():
    with pytest.raises(ValidationError):
        rule(any_of("!!!"))


def test_a_condition_cannot_nest_without_bound():
    condition = any_of("x")
    for _ in range(7):
        condition = {"type": "not", "condition": condition}
    with pytest.raises(ValidationError):
        rule(condition)


def test_a_breached_sla_fires_on_sla_breach_rules():
    breach = {"eventType": "SLA.BREACHED", "performedBy": {"principalId": "sla"}, "relatedItem": {"type": "sla", "content": {"name": "resolve-urgent"}}}
    escalate = rule(trigger="OnSlaBreach", actions=[{"type": "assignQueue", "queue": "escalations"}])
    assert evaluate(escalate, breach, CASE).case_changes == {"queue": "escalations"}
    assert not evaluate(escalate, {**breach, "eventType": "SLA.MET"}, CASE).matched


def test_an_assign_sla_action_is_not_offered():
    with pytest.raises(ValidationError):
        rule(actions=[{"type": "assignSla", "name": "4h"}])


def test_tags_beyond_a_cases_limit_are_left_out_rather_than_failing_the_event():
    case = {**CASE, "tags": [f"t{i}" for i in range(19)]}
    outcome = evaluate(rule(actions=[{"type": "addTags", "tags": ["fraud", "extra"]}]), contact("x"), case)
    assert outcome.case_changes["tags"] == [*case["tags"], "fraud"]


def test_an_overdue_task_fires_on_task_overdue_rules():
    overdue = {"eventType": "TASK.OVERDUE", "performedBy": {"principalId": "casetrail-overdue-sweeper"}}
    escalate = rule({"type": "fieldIn", "field": "priority", "values": ["normal"]}, trigger="OnTaskOverdue", actions=[{"type": "setPriority", "priority": "high"}])
    assert evaluate(escalate, overdue, CASE).case_changes == {"priority": "high"}
    assert not evaluate(escalate, {**overdue, "eventType": "TASK.CREATED"}, CASE).matched
