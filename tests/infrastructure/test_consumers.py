"""A consumer registered in casetrail.topology gets its rule, queue, dead letters and alarm."""

import pytest

from casetrail import topology
from casetrail.store.tables import ACCESS_TABLE, CASES_TABLE
from tests.infrastructure.conftest import synthesise
from tests.infrastructure.resources import as_list, function_id, references, resources, role_statements, table_id

NOTIFIER = topology.EventConsumer(
    logical_id="Notifier",
    handler="casetrail.handlers.notifier.handler",
    description="Notifies the assignee",
    event_types=("CaseAssigned",),
    reads=(CASES_TABLE,),
    writes=(ACCESS_TABLE,),
)


@pytest.fixture(scope="module")
def with_consumer(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(topology, "EVENT_CONSUMERS", (NOTIFIER,))
        return synthesise(tmp_path_factory.mktemp("cdk.out"))


def _consumer_rule(template) -> tuple[str, dict]:
    # The data lake's rule is on the bus too; the consumer's is the one with its pattern.
    (item,) = [
        (rule_id, rule)
        for rule_id, rule in resources(template, "AWS::Events::Rule").items()
        if rule["Properties"].get("EventPattern") == NOTIFIER.event_pattern()
    ]
    return item


def test_rule_sends_the_consumers_events_to_its_queue(with_consumer):
    template = with_consumer.template
    _, rule = _consumer_rule(template)
    (target,) = rule["Properties"]["Targets"]
    queue_id = target["Arn"]["Fn::GetAtt"][0]
    queue = resources(template, "AWS::SQS::Queue")[queue_id]["Properties"]
    assert queue["RedrivePolicy"]["maxReceiveCount"] == 5


def test_queue_feeds_the_consumer_function_with_partial_batch_failures(with_consumer):
    template = with_consumer.template
    _, rule = _consumer_rule(template)
    queue_id = rule["Properties"]["Targets"][0]["Arn"]["Fn::GetAtt"][0]
    (mapping,) = [
        m["Properties"]
        for m in resources(template, "AWS::Lambda::EventSourceMapping").values()
        if references(m["Properties"]["EventSourceArn"], queue_id)
    ]
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    function = resources(template, "AWS::Lambda::Function")[mapping["FunctionName"]["Ref"]]["Properties"]
    assert function["Handler"] == NOTIFIER.handler
    queue = resources(template, "AWS::SQS::Queue")[queue_id]["Properties"]
    assert queue["VisibilityTimeout"] >= 6 * function["Timeout"]


def test_consumer_dead_letters_page_ops(with_consumer):
    template = with_consumer.template
    _, rule = _consumer_rule(template)
    queue_id = rule["Properties"]["Targets"][0]["Arn"]["Fn::GetAtt"][0]
    dead_letters_id = resources(template, "AWS::SQS::Queue")[queue_id]["Properties"]["RedrivePolicy"][
        "deadLetterTargetArn"
    ]["Fn::GetAtt"][0]
    assert any(
        references(alarm["Properties"]["Dimensions"], dead_letters_id)
        for alarm in resources(template, "AWS::CloudWatch::Alarm").values()
    )


def test_consumer_passes_cdk_nag(with_consumer):
    assert with_consumer.nag_failure is None, with_consumer.nag_failure


def test_consumer_is_told_its_tables_and_may_write_only_those_it_writes(with_consumer):
    template = with_consumer.template
    consumer_id = function_id(template, NOTIFIER.handler)
    variables = resources(template, "AWS::Lambda::Function")[consumer_id]["Properties"]["Environment"]["Variables"]
    assert {CASES_TABLE.env_var, ACCESS_TABLE.env_var} <= set(variables)

    def actions_on(spec):
        return {
            action
            for statement in role_statements(template, consumer_id)
            if references(statement["Resource"], table_id(template, spec))
            for action in as_list(statement["Action"])
        }

    assert "dynamodb:PutItem" in actions_on(ACCESS_TABLE)
    assert "dynamodb:Query" in actions_on(CASES_TABLE) and "dynamodb:PutItem" not in actions_on(CASES_TABLE)


def test_both_queues_of_a_consumer_are_outputs_the_redrive_command_finds(with_consumer):
    template = with_consumer.template
    _, rule = _consumer_rule(template)
    queue_id = rule["Properties"]["Targets"][0]["Arn"]["Fn::GetAtt"][0]
    dead_letters_id = resources(template, "AWS::SQS::Queue")[queue_id]["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]

    outputs = template.to_json()["Outputs"]

    assert outputs["NotifierQueueUrl"]["Value"] == {"Ref": queue_id}
    assert outputs["NotifierDeadLetterQueueUrl"]["Value"] == {"Ref": dead_letters_id}
