"""One consumer of the case event stream: bus rule -> SQS queue (with a DLQ) -> Lambda function.

Both hops have a dead-letter queue and alarms: the rule target (events EventBridge could not put
into the queue) and the queue (messages the function failed five times)."""

import aws_cdk as cdk
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from casetrail.topology import PAGE_TOKEN_SECRET_ENV_VAR, EventConsumer
from infra.constructs.data import Data
from infra.constructs.event_details import EventDetails
from infra.constructs.function import CasetrailFunction
from infra.constructs.monitoring import Monitoring
from infra.constructs.notifications import Notifications
from infra.constructs.packaging import Packaging
from infra.constructs.queues import dead_letter_queue, redrive_to, secure_queue
from infra.constructs.rule_targets import target_dead_letters, watch_rule

TIMEOUT = cdk.Duration.seconds(30)
# AWS's advice for SQS event sources: at least six times the function timeout, so a message is not
# received again while a retried invocation may still hold it.
VISIBILITY_TIMEOUT = cdk.Duration.seconds(TIMEOUT.to_seconds() * 6)


class EventConsumerPipeline(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        consumer: EventConsumer,
        bus: events.IEventBus,
        packaging: Packaging,
        data: Data,
        monitoring: Monitoring,
        notifications: Notifications,
        case_link_base_url: str,
        configuration: dict[str, str],
        details: EventDetails,
        page_token_key: secretsmanager.ISecret,
    ):
        super().__init__(scope, construct_id)
        dead_letters = dead_letter_queue(self, "DeadLetters")
        queue = secure_queue(
            self, "Queue", visibility_timeout=VISIBILITY_TIMEOUT, dead_letter_queue=redrive_to(dead_letters)
        )
        rule = events.Rule(
            self,
            "Rule",
            description=f"Case events for {consumer.logical_id}",
            event_bus=bus,
            event_pattern=_event_pattern(consumer.event_pattern()),
            targets=[targets.SqsQueue(queue, dead_letter_queue=target_dead_letters(self, monitoring))],
        )
        watch_rule(self, rule, monitoring, bus=bus)
        function = CasetrailFunction(
            self,
            "Consumer",
            packaging=packaging,
            handler=consumer.handler,
            description=consumer.description,
            environment={
                **data.environment(*consumer.reads, *consumer.writes),
                **{name: configuration[name] for name in consumer.configuration},
            },
            timeout=TIMEOUT,
        ).function
        self.function = function
        data.grant_declared(function, reads=consumer.reads, writes=consumer.writes, deletes=consumer.deletes)
        details.grant_get(function)  # a claim-checked event's full detail
        if consumer.reads_page_tokens:
            function.add_environment(PAGE_TOKEN_SECRET_ENV_VAR, page_token_key.secret_arn)
            page_token_key.grant_read(function)
        if consumer.sends_notifications:
            notifications.allow_sending(function, case_link_base_url=case_link_base_url)
        function.add_event_source(
            event_sources.SqsEventSource(queue, batch_size=consumer.batch_size, report_batch_item_failures=True)
        )
        monitoring.alarm_on_dead_letters(self, dead_letters)
        # `python -m casetrail.admin --stack <name> redrive --consumer <id>` finds both queues by these names.
        for name, exported in (("QueueUrl", queue), ("DeadLetterQueueUrl", dead_letters)):
            cdk.CfnOutput(self, name, value=exported.queue_url).override_logical_id(f"{consumer.logical_id}{name}")


def _event_pattern(pattern: dict) -> events.EventPattern:
    # topology writes the pattern as EventBridge JSON ("detail-type"); CDK's fields are snake_case.
    return events.EventPattern(**{field.replace("-", "_"): value for field, value in pattern.items()})
