"""The outbox relay: audit records inserted into any streamed table become events on the bus."""

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from constructs import Construct

from casetrail.store.outbox import ENTITY_AUDIT
from casetrail.topology import EVENT_BUS_ENV_VAR, STREAM_PUBLISHER_HANDLER
from infra.constructs.event_details import EventDetails
from infra.constructs.function import CasetrailFunction
from infra.constructs.monitoring import Monitoring
from infra.constructs.packaging import Packaging
from infra.constructs.queues import dead_letter_queue

# Only new audit records are events; case items and counters on the same stream are not.
AUDIT_INSERTS = lambda_.FilterCriteria.filter(
    {
        "eventName": lambda_.FilterRule.is_equal("INSERT"),
        "dynamodb": {"NewImage": {"entity": {"S": lambda_.FilterRule.is_equal(ENTITY_AUDIT)}}},
    }
)
# Bounded, so one poisoned record cannot hold its shard (and every later change of those cases)
# until the stream drops it after 24 hours: after this it goes to the failed-batches queue.
RETRY_ATTEMPTS = 5
MAX_RECORD_AGE = cdk.Duration.hours(6)


class StreamPublisher(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        packaging: Packaging,
        tables: list[dynamodb.ITable],
        bus: events.IEventBus,
        monitoring: Monitoring,
        details: EventDetails,
    ):
        super().__init__(scope, construct_id)
        publisher = CasetrailFunction(
            self,
            "Publisher",
            packaging=packaging,
            handler=STREAM_PUBLISHER_HANDLER,
            description="Publishes each audit record of the tables' streams as an event on the bus",
            environment={EVENT_BUS_ENV_VAR: bus.event_bus_name, **details.environment()},
            timeout=cdk.Duration.seconds(30),
        ).function
        bus.grant_put_events_to(publisher)
        details.grant_put(publisher)

        # Receives where in the stream a batch failed for good (not the records themselves); the
        # audit records stay in the table, so those events can be republished from them.
        failed_batches = dead_letter_queue(self, "FailedBatches")
        cdk.Validations.of(failed_batches).acknowledge(
            cdk.Acknowledgment(
                id="AwsSolutions-SQS3",
                reason="This queue is itself a dead-letter queue: the on-failure destination of the stream "
                "publisher's event source mapping (a Lambda destination, which cdk-nag does not recognise).",
            )
        )
        # One event source per streamed table (cases; tasks, whose standalone tasks keep their own
        # audit records): the same filter, retries and failure destination for each.
        for table in tables:
            publisher.add_event_source(
                event_sources.DynamoEventSource(
                    table,
                    starting_position=lambda_.StartingPosition.TRIM_HORIZON,
                    filters=[AUDIT_INSERTS],
                    report_batch_item_failures=True,
                    bisect_batch_on_error=True,
                    retry_attempts=RETRY_ATTEMPTS,
                    max_record_age=MAX_RECORD_AGE,
                    on_failure=event_sources.SqsDlq(failed_batches),
                )
            )

        # `casetrail.admin republish --failed-batches` reads it (the name is the admin's FAILED_BATCHES_OUTPUT).
        cdk.CfnOutput(self, "FailedBatchesQueueUrl", value=failed_batches.queue_url).override_logical_id("PublisherFailedBatchesQueueUrl")
        monitoring.alarm_on_dead_letters(self, failed_batches)
        monitoring.alarm_on_stream_lag(self, publisher)
        monitoring.alarm_on_errors(self, publisher)
