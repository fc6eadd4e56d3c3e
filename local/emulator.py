"""moto in server mode, and the AWS resources Casetrail needs, created from the same specs as infra/
(tables from store/tables.py, queues and rules from topology.py).

Server mode rather than in-process mocks because DynamoDB Streams only work there (moto 5.2), in a
process of its own (local/moto_process.py), with its TransactWriteItems patched.
"""

import json
import secrets
from dataclasses import dataclass

import boto3

from casetrail.store.provisioning import create_tables
from casetrail.store.tables import ALL_TABLES
from casetrail.topology import EVENT_CONSUMERS, EVENT_SOURCE, EventConsumer
from local.environment import EVENT_BUS_NAME, EVENT_DETAILS_BUCKET_NAME, FILES_BUCKET_NAME, NAME_PREFIX, table_name

# Short, so a failed message is retried within seconds locally; the deployed queues derive theirs
# from the consumer's timeout.
LOCAL_VISIBILITY_TIMEOUT_SECONDS = 5
MAX_RECEIVE_COUNT = 5  # deliveries before a message moves to the dead-letter queue, as deployed


@dataclass(frozen=True)
class Queue:
    url: str
    arn: str


@dataclass(frozen=True)
class Resources:
    stream_arns: tuple[str, ...]
    consumer_queues: tuple[tuple[EventConsumer, Queue], ...]
    tap_queue: Queue
    notification_topic_arn: str
    signing_key_id: str
    outbox_queue: Queue  # what the notification topic sends: moto delivers no real email
    page_token_secret_arn: str


def provision(session: boto3.Session) -> Resources:
    dynamodb, events, sqs = session.client("dynamodb"), session.client("events"), session.client("sqs")
    stream_arns = _create_tables(dynamodb)
    events.create_event_bus(Name=EVENT_BUS_NAME)
    consumer_queues = []
    for consumer in EVENT_CONSUMERS:
        name = f"{NAME_PREFIX}-{consumer.logical_id.lower()}"
        dead_letters = _create_queue(sqs, f"{name}-dlq")
        queue = _create_queue(sqs, name, dead_letters)
        _route(events, name, consumer.event_pattern(), queue)
        consumer_queues.append((consumer, queue))
    tap_queue = _create_queue(sqs, f"{NAME_PREFIX}-tap")
    _route(events, f"{NAME_PREFIX}-tap", {"source": [EVENT_SOURCE]}, tap_queue)
    session.client("s3").create_bucket(Bucket=FILES_BUCKET_NAME)
    session.client("s3").create_bucket(Bucket=EVENT_DETAILS_BUCKET_NAME)
    sns = session.client("sns")
    topic_arn = sns.create_topic(Name=f"{NAME_PREFIX}-notifications")["TopicArn"]
    outbox = _create_queue(sqs, f"{NAME_PREFIX}-outbox")
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=outbox.arn)
    signing_key_id = session.client("kms").create_key(Description="Casetrail local webhook signing secrets")[
        "KeyMetadata"
    ]["KeyId"]
    # As deployed, a generated secret signs page tokens: a new one each run.
    page_token_secret_arn = session.client("secretsmanager").create_secret(
        Name=f"{NAME_PREFIX}-page-token-key", SecretString=secrets.token_urlsafe(48)
    )["ARN"]
    return Resources(
        page_token_secret_arn=page_token_secret_arn,
        stream_arns=stream_arns,
        consumer_queues=tuple(consumer_queues),
        tap_queue=tap_queue,
        notification_topic_arn=topic_arn,
        signing_key_id=signing_key_id,
        outbox_queue=outbox,
    )


def _create_tables(dynamodb) -> tuple[str, ...]:
    """Creates every table; returns the ARNs of their streams."""
    create_tables(dynamodb, names={spec.env_var: table_name(spec) for spec in ALL_TABLES})
    return tuple(
        dynamodb.describe_table(TableName=table_name(spec))["Table"]["LatestStreamArn"]
        for spec in ALL_TABLES
        if spec.stream
    )


def _create_queue(sqs, name: str, dead_letters: Queue | None = None) -> Queue:
    attributes = {"VisibilityTimeout": str(LOCAL_VISIBILITY_TIMEOUT_SECONDS)}
    if dead_letters:
        attributes["RedrivePolicy"] = json.dumps(
            {"deadLetterTargetArn": dead_letters.arn, "maxReceiveCount": MAX_RECEIVE_COUNT}
        )
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return Queue(url=url, arn=arn)


def _route(events, rule_name: str, pattern: dict, queue: Queue) -> None:
    events.put_rule(Name=rule_name, EventBusName=EVENT_BUS_NAME, EventPattern=json.dumps(pattern))
    events.put_targets(Rule=rule_name, EventBusName=EVENT_BUS_NAME, Targets=[{"Id": "queue", "Arn": queue.arn}])
