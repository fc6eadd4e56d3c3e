"""The Rules consumer: fed the four trigger events through a queue with a DLQ, writes the cases
and tasks tables (a rule's change, its marker and outbox; a rule's task) and nothing else."""

from casetrail.store.tables import CASES_TABLE, NOTIFICATIONS_TABLE, TASKS_TABLE, USAGE_TABLE
from casetrail.topology import RULES
from tests.infrastructure.resources import DYNAMODB_WRITES, as_list, consumer_rule, function_id, references, resources, role_statements, table_id



def _actions_on(template, spec) -> set[str]:
    return {
        action
        for statement in role_statements(template, function_id(template, RULES.handler))
        if references(statement["Resource"], table_id(template, spec))
        for action in as_list(statement["Action"])
    }


def test_rules_rule_sends_the_trigger_events_to_a_dead_lettered_queue(template):
    rule = consumer_rule(template, RULES)
    assert rule["EventPattern"]["detail"] == {"eventType": ["CASE.CREATED", "CASE.UPDATED", "RELATED_ITEM.CREATED", "TASK.OVERDUE", "SLA.BREACHED"]}
    queue_id = rule["Targets"][0]["Arn"]["Fn::GetAtt"][0]
    assert "RedrivePolicy" in resources(template, "AWS::SQS::Queue")[queue_id]["Properties"]


def test_rules_consumer_writes_cases_and_tasks_only(template):
    assert DYNAMODB_WRITES <= _actions_on(template, CASES_TABLE)
    assert DYNAMODB_WRITES <= _actions_on(template, TASKS_TABLE)
    assert not _actions_on(template, USAGE_TABLE) and not _actions_on(template, NOTIFICATIONS_TABLE)
