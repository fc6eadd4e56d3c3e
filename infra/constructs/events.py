"""The case event stream: the custom bus, its archive, the publisher that feeds it, its consumers."""

import aws_cdk as cdk
from aws_cdk import aws_events as events
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from casetrail.retention import ARCHIVE_RETENTION_DAYS
from casetrail.store.tables import ALL_TABLES
from casetrail.topology import EventConsumer
from infra.constructs.consumers import EventConsumerPipeline
from infra.constructs.data import Data
from infra.constructs.event_details import EventDetails
from infra.constructs.monitoring import Monitoring
from infra.constructs.notifications import Notifications
from infra.constructs.packaging import Packaging
from infra.constructs.stream_publisher import StreamPublisher

ARCHIVE_RETENTION = cdk.Duration.days(ARCHIVE_RETENTION_DAYS)  # the consumers' dedupe records outlive it


class Events(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        bus_name: str,
        packaging: Packaging,
        data: Data,
        consumers: tuple[EventConsumer, ...],
        monitoring: Monitoring,
        notifications: Notifications,
        case_link_base_url: str,
        configuration: dict[str, str],
        page_token_key: secretsmanager.ISecret,
    ):
        super().__init__(scope, construct_id)
        self.bus = events.EventBus(self, "Bus", event_bus_name=bus_name)
        self.bus.archive(
            "Archive",
            description="Every Casetrail event, for replay to a new or repaired consumer",
            event_pattern=events.EventPattern(account=[cdk.Stack.of(self).account]),
            retention=ARCHIVE_RETENTION,
        )
        # Claim checks: where the full detail of an event too large for the bus is kept.
        self.details = EventDetails(self, "Details")
        StreamPublisher(
            self,
            "StreamPublisher",
            packaging=packaging,
            tables=[data.table(spec) for spec in ALL_TABLES if spec.stream],
            bus=self.bus,
            monitoring=monitoring,
            details=self.details,
        )
        self.consumers: dict[str, EventConsumerPipeline] = {}
        for consumer in consumers:
            self.consumers[consumer.logical_id] = EventConsumerPipeline(
                self,
                consumer.logical_id,
                consumer=consumer,
                bus=self.bus,
                packaging=packaging,
                data=data,
                monitoring=monitoring,
                notifications=notifications,
                case_link_base_url=case_link_base_url,
                configuration=configuration,
                details=self.details,
                page_token_key=page_token_key,
            )
