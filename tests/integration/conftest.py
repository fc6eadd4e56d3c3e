import json

import boto3
import pytest

from tests.integration.notification_support import WebhookReceiver


@pytest.fixture
def notifications(aws, monkeypatch):
    """The notification topic and the signing-secret key on moto, the environment pointing at them,
    and webhooks allowed to reach 127.0.0.1 as in `make run`. Yields the topic ARN."""
    from casetrail.handlers import notification_wiring
    from casetrail.settings import get_settings

    topic_arn = boto3.client("sns").create_topic(Name="casetrail-test-notifications")["TopicArn"]
    key_id = boto3.client("kms").create_key(Description="signing secrets")["KeyMetadata"]["KeyId"]
    monkeypatch.setenv("NOTIFICATION_TOPIC_ARN", topic_arn)
    monkeypatch.setenv("SIGNING_KEY_ID", key_id)
    monkeypatch.setenv("CASE_LINK_BASE_URL", "https://casetrail.example.com/v1")
    monkeypatch.setenv("ALLOW_LOOPBACK_WEBHOOKS", "true")
    get_settings.cache_clear()
    notification_wiring.reset()
    yield topic_arn
    get_settings.cache_clear()
    notification_wiring.reset()


@pytest.fixture
def receiver():
    receiver = WebhookReceiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def bus_inbox(aws):
    """An SQS queue subscribed to every Casetrail event on the bus, as a consumer would be: a
    function returning the events received since (their SQS message bodies, parsed)."""
    from casetrail.handlers import stream_publisher

    stream_publisher._events_client.cache_clear()
    events, sqs = boto3.client("events"), boto3.client("sqs")
    events.create_event_bus(Name="casetrail-test")
    queue_url = sqs.create_queue(QueueName="inbox")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="all", EventBusName="casetrail-test", EventPattern=json.dumps({"source": ["casetrail"]}))
    events.put_targets(Rule="all", EventBusName="casetrail-test", Targets=[{"Id": "inbox", "Arn": queue_arn}])

    def received() -> list[dict]:
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
        return [json.loads(m["Body"]) for m in messages]

    yield received
    stream_publisher._events_client.cache_clear()
