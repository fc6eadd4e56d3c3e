"""The data lake: every event on the bus, unchanged, as JSON lines in S3, partitioned by tenant,
customer bucket and date.

bus rule (all Casetrail events) -> Kinesis Data Firehose (dynamic partitioning) -> S3
`events/tenant=/customer=/year=/month=/day=/`, one event per line (Firehose's
AppendDelimiterToRecord), GZIP-compressed, ready for Athena (docs/athena.sql). `customer=` is a
bucket of the event's customer id (0..31, or `none`), computed by Firehose's JQ exactly as
domain/erasure.lake_customer_bucket computes it: erasing a customer rewrites one bucket of one
tenant (store/data_lake.py), a bounded share of the lake, never a scan of all of it. Dates are
Firehose's arrival time in UTC, which trails the event's own `time` by seconds (at most the
buffering interval): an event near midnight may land in the next day's partition, so queries by
event time should filter on `time` too.

Objects expire after the lake's retention period (cdk.json's "casetrail:dataLakeRetentionDays").

Both hops are watched: events EventBridge could not put into Firehose go to the rule target's
dead-letter queue; records Firehose could not deliver to S3 land under `errors/` and page ops.
"""

import aws_cdk as cdk
import jsii
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kinesisfirehose as firehose
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from casetrail.domain.erasure import LAKE_CUSTOMER_BUCKETS, NO_CUSTOMER
from casetrail.store.data_lake import EVENTS_PREFIX as EVENTS_KEY_PREFIX
from casetrail.topology import DATA_LAKE_BUCKET_ENV_VAR, EVENT_SOURCE
from infra.constructs.function import LOG_RETENTION
from infra.constructs.monitoring import Monitoring
from infra.constructs.rule_targets import allow_rule_to_dead_letter, target_dead_letters, watch_rule

EVENTS_PREFIX = (
    "events/tenant=!{partitionKeyFromQuery:tenant}/customer=!{partitionKeyFromQuery:customer}/"
    "year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/"
)
# Firehose's JQ 1.6 for the partition keys: the same bucket as domain/erasure.lake_customer_bucket
# (sum of the id's code points modulo LAKE_CUSTOMER_BUCKETS; "none" for an event without a
# customer, e.g. a standalone task's or a trimmed, claim-checked one, which carries ids only).
PARTITION_QUERY = (
    "{tenant: .detail.tenantId, customer: ((.detail.case.customerId // .detail.customerId) as $c | "
    f'if $c then ($c | explode | add % {LAKE_CUSTOMER_BUCKETS} | tostring) else "{NO_CUSTOMER}" end)}}'
)
# Kept for years by default (audits, analytics); a deployment sets its own bound in cdk.json.
DEFAULT_RETENTION_DAYS = 2555
RETENTION_CONTEXT_KEY = "casetrail:dataLakeRetentionDays"
ERRORS_PREFIX = "errors/!{firehose:error-output-type}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/"
BUFFERING_INTERVAL = cdk.Duration.minutes(5)  # fewer, larger objects: cheaper to store and to scan
BUFFERING_SIZE_MB = 64
# Events are kept for years (audits, analytics); older ones move to cheaper storage classes.
INFREQUENT_ACCESS_AFTER = cdk.Duration.days(90)
GLACIER_AFTER = cdk.Duration.days(365)
NONCURRENT_VERSIONS_EXPIRE_AFTER = cdk.Duration.days(30)
ACCESS_LOGS_EXPIRE_AFTER = cdk.Duration.days(365)


class DataLake(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, bus: events.IEventBus, monitoring: Monitoring, retention_days: int = DEFAULT_RETENTION_DAYS):
        super().__init__(scope, construct_id)
        access_logs = _private_bucket(
            self,
            "AccessLogs",
            lifecycle_rules=[s3.LifecycleRule(expiration=ACCESS_LOGS_EXPIRE_AFTER)],
        )
        cdk.Validations.of(access_logs).acknowledge(
            cdk.Acknowledgment(
                id="AwsSolutions-S1",
                reason="This is the server access log bucket of the data lake; logging it too would need "
                "another bucket, and so on.",
            )
        )
        self.bucket = _private_bucket(
            self,
            "Bucket",
            server_access_logs_bucket=access_logs,
            server_access_logs_prefix="data-lake/",
            lifecycle_rules=[
                s3.LifecycleRule(
                    transitions=[
                        s3.Transition(storage_class=s3.StorageClass.INFREQUENT_ACCESS, transition_after=INFREQUENT_ACCESS_AFTER),
                        s3.Transition(storage_class=s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transition_after=GLACIER_AFTER),
                    ],
                    expiration=cdk.Duration.days(retention_days),
                    noncurrent_version_expiration=NONCURRENT_VERSIONS_EXPIRE_AFTER,
                    abort_incomplete_multipart_upload_after=cdk.Duration.days(7),
                )
            ],
        )

        # Firehose's role may write objects into this bucket and log its delivery errors, nothing
        # else (CDK's L2 destination grants read-write, deletes included; Firehose needs no delete).
        role = iam.Role(self, "DeliveryRole", assumed_by=iam.ServicePrincipal("firehose.amazonaws.com"))
        role.add_to_policy(
            iam.PolicyStatement(
                actions=[
                    "s3:AbortMultipartUpload",
                    "s3:GetBucketLocation",
                    "s3:GetObject",
                    "s3:ListBucket",
                    "s3:ListBucketMultipartUploads",
                    "s3:PutObject",
                ],
                resources=[self.bucket.bucket_arn, self.bucket.arn_for_objects("*")],
            )
        )
        delivery_logs = logs.LogGroup(self, "DeliveryLogs", retention=LOG_RETENTION)
        delivery_log_stream = delivery_logs.add_stream("S3Delivery")
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["logs:PutLogEvents"],
                resources=[
                    cdk.Stack.of(self).format_arn(
                        service="logs",
                        resource="log-group",
                        resource_name=f"{delivery_logs.log_group_name}:log-stream:{delivery_log_stream.log_stream_name}",
                        arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
                    )
                ],
            )
        )
        cdk.Validations.of(role).acknowledge(
            cdk.Acknowledgment(
                id=f"AwsSolutions-IAM5[Resource::<{_logical_id(self.bucket)}.Arn>/*]",
                reason="Firehose writes objects under keys it generates (date partitions); the wildcard covers "
                "the data lake bucket's objects only.",
            )
        )

        Stream = firehose.CfnDeliveryStream
        delivery_stream = Stream(
            self,
            "DeliveryStream",
            delivery_stream_type="DirectPut",
            delivery_stream_encryption_configuration_input=Stream.DeliveryStreamEncryptionConfigurationInputProperty(
                key_type="AWS_OWNED_CMK"
            ),
            extended_s3_destination_configuration=Stream.ExtendedS3DestinationConfigurationProperty(
                bucket_arn=self.bucket.bucket_arn,
                role_arn=role.role_arn,
                prefix=EVENTS_PREFIX,
                error_output_prefix=ERRORS_PREFIX,
                buffering_hints=Stream.BufferingHintsProperty(
                    interval_in_seconds=int(BUFFERING_INTERVAL.to_seconds()), size_in_m_bs=BUFFERING_SIZE_MB
                ),
                compression_format="GZIP",
                dynamic_partitioning_configuration=Stream.DynamicPartitioningConfigurationProperty(
                    enabled=True, retry_options=Stream.RetryOptionsProperty(duration_in_seconds=300)
                ),
                # EventBridge sends each event as one record with no separator: one event per line.
                processing_configuration=Stream.ProcessingConfigurationProperty(
                    enabled=True,
                    processors=[
                        Stream.ProcessorProperty(
                            type="MetadataExtraction",
                            parameters=[
                                Stream.ProcessorParameterProperty(parameter_name="MetadataExtractionQuery", parameter_value=PARTITION_QUERY),
                                Stream.ProcessorParameterProperty(parameter_name="JsonParsingEngine", parameter_value="JQ-1.6"),
                            ],
                        ),
                        Stream.ProcessorProperty(
                            type="AppendDelimiterToRecord",
                            parameters=[Stream.ProcessorParameterProperty(parameter_name="Delimiter", parameter_value="\\n")],
                        )
                    ],
                ),
                cloud_watch_logging_options=Stream.CloudWatchLoggingOptionsProperty(
                    enabled=True,
                    log_group_name=delivery_logs.log_group_name,
                    log_stream_name=delivery_log_stream.log_stream_name,
                ),
            ),
        )
        delivery_stream.node.add_dependency(role)  # its policy must exist before Firehose tests access
        self.delivery_stream = delivery_stream

        # EventBridge's own role for the target: it may put records into this one stream only.
        rule_role = iam.Role(self, "RuleRole", assumed_by=iam.ServicePrincipal("events.amazonaws.com"))
        rule_role.add_to_policy(
            iam.PolicyStatement(actions=["firehose:PutRecord", "firehose:PutRecordBatch"], resources=[delivery_stream.attr_arn])
        )

        # No input transformer: the whole EventBridge event lands as sent (source, detail-type, time, detail).
        dead_letters = target_dead_letters(self, monitoring)
        rule = events.Rule(
            self,
            "Rule",
            description="Every Casetrail event to the data lake",
            event_bus=bus,
            event_pattern=events.EventPattern(source=[EVENT_SOURCE]),
            targets=[_StreamTarget(delivery_stream.attr_arn, rule_role, dead_letters)],
        )
        allow_rule_to_dead_letter(rule, dead_letters)
        watch_rule(self, rule, monitoring, bus=bus)
        monitoring.alarm_on_firehose_delivery(self, delivery_stream.ref)


    def grant_erasure(self, grantee: iam.IGrantable) -> None:
        """A customer's erasure lists, reads and rewrites the objects of its partition and removes
        their previous versions (store/data_lake.py); events/ only."""
        iam.Grant.add_to_principal(
            grantee=grantee,
            actions=["s3:ListBucket"],
            resource_arns=[self.bucket.bucket_arn],
            conditions={"StringLike": {"s3:prefix": [f"{EVENTS_KEY_PREFIX}/*"]}},
        )
        iam.Grant.add_to_principal(
            grantee=grantee,
            actions=["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"],
            resource_arns=[self.bucket.arn_for_objects(f"{EVENTS_KEY_PREFIX}/*")],
        )
        cdk.Validations.of(grantee.grant_principal).acknowledge(
            cdk.Acknowledgment(
                id=f"AwsSolutions-IAM5[Resource::<{_logical_id(self.bucket)}.Arn>/{EVENTS_KEY_PREFIX}/*]",
                reason="Rewrites the data lake objects of an erased customer's partition (keys made by Firehose).",
            )
        )

    def environment(self) -> dict[str, str]:
        return {DATA_LAKE_BUCKET_ENV_VAR: self.bucket.bucket_name}


@jsii.implements(events.IRuleTarget)
class _StreamTarget:
    """A rule target for an L1 delivery stream (CDK's Firehose target wants the L2 construct)."""

    def __init__(self, stream_arn: str, role: iam.IRole, dead_letters: sqs.IQueue):
        self._stream_arn = stream_arn
        self._role = role
        self._dead_letters = dead_letters

    def bind(self, _rule: events.IRule, _id: str | None = None) -> events.RuleTargetConfig:
        return events.RuleTargetConfig(
            arn=self._stream_arn,
            role=self._role,
            dead_letter_config=events.CfnRule.DeadLetterConfigProperty(arn=self._dead_letters.queue_arn),
        )


def _private_bucket(scope: Construct, construct_id: str, **props) -> s3.Bucket:
    return s3.Bucket(
        scope,
        construct_id,
        encryption=s3.BucketEncryption.S3_MANAGED,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        enforce_ssl=True,
        versioned=True,
        removal_policy=cdk.RemovalPolicy.RETAIN,
        **props,
    )


def _logical_id(bucket: s3.Bucket) -> str:
    return cdk.Stack.of(bucket).get_logical_id(bucket.node.default_child)
