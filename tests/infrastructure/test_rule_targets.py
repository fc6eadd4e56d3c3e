"""Every async hop has a safety net: each EventBridge rule target (bus consumers, data lake,
schedules) has a dead-letter queue, and its failures page the ops topic; Firehose's own delivery
failures page too; every queue keeps its messages for SQS's maximum of 14 days."""

from casetrail.topology import EVENT_CONSUMERS, SCHEDULED_FUNCTIONS
from tests.infrastructure.resources import output_ref, references, resources

FOURTEEN_DAYS = 14 * 24 * 60 * 60


def _rule_targets(template) -> list[tuple[str, dict, dict]]:
    return [
        (rule_id, rule["Properties"], target)
        for rule_id, rule in resources(template, "AWS::Events::Rule").items()
        for target in rule["Properties"]["Targets"]
    ]


def _alarms_paging_ops(template) -> list[dict]:
    topic_id = output_ref(template, "OpsAlarmTopicArn")
    return [
        alarm["Properties"]
        for alarm in resources(template, "AWS::CloudWatch::Alarm").values()
        if any(references(action, topic_id) for action in alarm["Properties"].get("AlarmActions", []))
    ]


def test_every_rule_of_the_stack_is_checked(template):
    # Derived from what the stack is built from: one rule per consumer and schedule, plus the data lake's.
    assert len(_rule_targets(template)) >= len(EVENT_CONSUMERS) + len(SCHEDULED_FUNCTIONS) + 1


def test_every_rule_target_has_a_dead_letter_queue_eventbridge_may_write_to(template):
    queues = resources(template, "AWS::SQS::Queue")
    policies = resources(template, "AWS::SQS::QueuePolicy").values()
    for rule_id, _, target in _rule_targets(template):
        assert "DeadLetterConfig" in target, f"{rule_id} has a target without a dead-letter queue"
        queue_id = target["DeadLetterConfig"]["Arn"]["Fn::GetAtt"][0]
        assert queue_id in queues
        assert any(
            references(policy["Properties"]["Queues"], queue_id)
            and any(
                statement["Effect"] == "Allow"
                and statement.get("Principal") == {"Service": "events.amazonaws.com"}
                and "sqs:SendMessage" in statement["Action"]
                and references(statement["Condition"]["ArnEquals"]["aws:SourceArn"], rule_id)
                for statement in policy["Properties"]["PolicyDocument"]["Statement"]
            )
            for policy in policies
        ), f"EventBridge may not send {rule_id}'s failures to {queue_id}"


def test_every_target_dead_letter_queue_pages_ops(template):
    alarms = _alarms_paging_ops(template)
    for rule_id, _, target in _rule_targets(template):
        queue_id = target["DeadLetterConfig"]["Arn"]["Fn::GetAtt"][0]
        assert any(
            alarm["MetricName"] == "ApproximateNumberOfMessagesVisible" and references(alarm["Dimensions"], queue_id)
            for alarm in alarms
        ), f"nothing pages when {rule_id}'s dead-letter queue fills"


def test_every_rule_pages_ops_on_failed_invocations(template):
    alarms = _alarms_paging_ops(template)
    for rule_id, rule, _ in _rule_targets(template):
        dimensions = [
            {d["Name"]: d["Value"] for d in alarm["Dimensions"]}
            for alarm in alarms
            if alarm["Namespace"] == "AWS/Events" and alarm["MetricName"] == "FailedInvocations"
        ]
        matching = [d for d in dimensions if d["RuleName"] == {"Ref": rule_id}]
        assert matching, f"nothing pages when {rule_id} fails to invoke its target"
        # A rule on a custom bus reports under both dimensions: without EventBusName the alarm sees nothing.
        if "EventBusName" in rule:
            assert all(references(d.get("EventBusName"), output_ref(template, "EventBusName")) for d in matching)
        else:
            assert all("EventBusName" not in d for d in matching)


def test_firehose_delivery_failures_page_ops(template):
    ((stream_id, stream),) = resources(template, "AWS::KinesisFirehose::DeliveryStream").items()
    assert stream["Properties"]["ExtendedS3DestinationConfiguration"]["ErrorOutputPrefix"].startswith("errors/")
    firehose_alarms = {
        alarm["MetricName"]
        for alarm in _alarms_paging_ops(template)
        if alarm["Namespace"] == "AWS/Firehose" and references(alarm["Dimensions"], stream_id)
    }
    assert {"DeliveryToS3.Success", "DeliveryToS3.DataFreshness"} <= firehose_alarms


def test_every_queue_keeps_messages_for_fourteen_days(template):
    for queue_id, queue in resources(template, "AWS::SQS::Queue").items():
        assert queue["Properties"].get("MessageRetentionPeriod") == FOURTEEN_DAYS, queue_id
