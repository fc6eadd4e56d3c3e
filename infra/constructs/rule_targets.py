"""The safety net of an EventBridge rule target: a dead-letter queue for the events EventBridge could
not deliver after its retries, an alarm on that queue and one on the rule's FailedInvocations, both
on the ops topic. Every rule Casetrail creates uses it (bus consumers, data lake, schedules)."""

import aws_cdk as cdk
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.constructs.monitoring import Monitoring
from infra.constructs.queues import dead_letter_queue


def target_dead_letters(scope: Construct, monitoring: Monitoring) -> sqs.Queue:
    queue = dead_letter_queue(scope, "TargetDeadLetters")
    cdk.Validations.of(queue).acknowledge(
        cdk.Acknowledgment(
            id="AwsSolutions-SQS3",
            reason="This queue is itself a dead-letter queue: that of an EventBridge rule target (which cdk-nag "
            "does not recognise as one).",
        )
    )
    monitoring.alarm_on_dead_letters(scope, queue, construct_id="TargetDeadLettersAlarm")
    return queue


def watch_rule(scope: Construct, rule: events.Rule, monitoring: Monitoring, *, bus: events.IEventBus | None = None) -> None:
    monitoring.alarm_on_failed_invocations(scope, rule, bus=bus)


def allow_rule_to_dead_letter(rule: events.IRule, queue: sqs.IQueue) -> None:
    """For a target CDK does not bind itself: EventBridge may send this rule's failures to the queue."""
    queue.add_to_resource_policy(
        iam.PolicyStatement(
            sid=f"AllowEventRule{cdk.Names.node_unique_id(rule.node)}",
            actions=["sqs:SendMessage"],
            principals=[iam.ServicePrincipal("events.amazonaws.com")],
            resources=[queue.queue_arn],
            conditions={"ArnEquals": {"aws:SourceArn": rule.rule_arn}},
        )
    )
