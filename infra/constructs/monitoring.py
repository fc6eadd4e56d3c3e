"""The ops alarm topic, and the alarms that page it."""

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

PERIOD = cdk.Duration.minutes(5)
# The stream publisher should keep up within seconds; a minute behind means events are late.
MAX_STREAM_ITERATOR_AGE_MS = 60_000
# Firehose buffers for up to 5 minutes; data three buffers old means deliveries to S3 are failing.
MAX_DATA_LAKE_FRESHNESS_SECONDS = 900


class Monitoring(Construct):
    def __init__(self, scope: Construct, construct_id: str):
        super().__init__(scope, construct_id)
        # A customer managed key: CloudWatch cannot publish to a topic under the AWS managed SNS key.
        key = kms.Key(self, "AlarmTopicKey", description="Casetrail ops alarm topic", enable_key_rotation=True)
        key.grant(iam.ServicePrincipal("cloudwatch.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey*")
        self.topic = sns.Topic(
            self, "AlarmTopic", display_name="Casetrail ops alarms", master_key=key, enforce_ssl=True
        )

    def alarm_on_dead_letters(
        self, scope: Construct, queue: sqs.IQueue, construct_id: str = "DeadLettersAlarm"
    ) -> cloudwatch.Alarm:
        return self._alarm(
            scope,
            construct_id,
            queue.metric_approximate_number_of_messages_visible(period=PERIOD, statistic="Maximum"),
            description="Messages are waiting in a dead-letter queue: inspect them, fix the cause, redrive.",
        )

    def alarm_on_server_errors(self, scope: Construct, api: apigateway.RestApi) -> cloudwatch.Alarm:
        return self._alarm(
            scope,
            "ServerErrorsAlarm",
            api.metric_server_error(period=PERIOD, statistic="Sum"),
            description="The Casetrail API answered with 5xx errors.",
        )

    def alarm_on_stream_lag(self, scope: Construct, function: lambda_.IFunction) -> cloudwatch.Alarm:
        return self._alarm(
            scope,
            "IteratorAgeAlarm",
            function.metric("IteratorAge", period=PERIOD, statistic="Maximum"),
            threshold=MAX_STREAM_ITERATOR_AGE_MS,
            description="The stream publisher is falling behind the cases table's stream: events are late.",
        )

    def alarm_on_errors(self, scope: Construct, function: lambda_.IFunction) -> cloudwatch.Alarm:
        return self._alarm(
            scope,
            "ErrorsAlarm",
            function.metric_errors(period=PERIOD, statistic="Sum"),
            description="A Casetrail function failed (it is retried, but something is wrong).",
        )

    def alarm_on_failed_invocations(
        self, scope: Construct, rule: events.IRule, *, bus: events.IEventBus | None = None
    ) -> cloudwatch.Alarm:
        # A rule on a custom bus reports its metrics under both names; on the default bus, RuleName only.
        dimensions = {"RuleName": rule.rule_name, **({"EventBusName": bus.event_bus_name} if bus else {})}
        return self._alarm(
            scope,
            "FailedInvocationsAlarm",
            cloudwatch.Metric(
                namespace="AWS/Events",
                metric_name="FailedInvocations",
                dimensions_map=dimensions,
                period=PERIOD,
                statistic="Sum",
            ),
            description="An EventBridge rule could not deliver events to its target: see the target's dead-letter queue.",
        )

    def alarm_on_firehose_delivery(self, scope: Construct, delivery_stream_name: str) -> list[cloudwatch.Alarm]:
        def metric(name: str, statistic: str) -> cloudwatch.Metric:
            return cloudwatch.Metric(
                namespace="AWS/Firehose",
                metric_name=name,
                dimensions_map={"DeliveryStreamName": delivery_stream_name},
                period=PERIOD,
                statistic=statistic,
            )

        return [
            self._alarm(
                scope,
                "DeliveryFailuresAlarm",
                metric("DeliveryToS3.Success", "Minimum"),
                threshold=1,
                comparison=cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
                description="Firehose failed to put data lake objects into S3 (it retries; records that still "
                "fail land under errors/ in the bucket).",
            ),
            self._alarm(
                scope,
                "DataFreshnessAlarm",
                metric("DeliveryToS3.DataFreshness", "Maximum"),
                threshold=MAX_DATA_LAKE_FRESHNESS_SECONDS,
                description="The data lake is falling behind: Firehose holds records it has not delivered to S3.",
            ),
        ]

    def _alarm(
        self,
        scope: Construct,
        construct_id: str,
        metric: cloudwatch.IMetric,
        *,
        description: str,
        threshold: float = 1,
        comparison: cloudwatch.ComparisonOperator = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    ) -> cloudwatch.Alarm:
        alarm = cloudwatch.Alarm(
            scope,
            construct_id,
            metric=metric,
            threshold=threshold,
            comparison_operator=comparison,
            evaluation_periods=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=description,
        )
        alarm.add_alarm_action(cloudwatch_actions.SnsAction(self.topic))
        alarm.add_ok_action(cloudwatch_actions.SnsAction(self.topic))
        return alarm
