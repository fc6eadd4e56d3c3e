"""The notification consumer through its real handler, on moto, delivering to a real local
webhook receiver and to the SNS topic."""

import time

import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.sns.models import sns_backends

from casetrail.domain.webhook_signatures import verify
from tests.conftest import REGION
from tests.integration.api_client import ApiClient
from tests.integration.notification_support import TricklingReceiver, consume, reassignment_detail, sqs_event

pytestmark = pytest.mark.usefixtures("notifications")

SUPERVISOR = ApiClient(principal_id="p-demo-sam", name="Sam Supervisor", role="supervisor")


def subscribe(target: dict, events: list[str], filter: dict | None = None) -> dict:
    body = {"target": target, "events": events, **({"filter": filter} if filter else {})}
    response = SUPERVISOR.request("create_subscription", body=body)
    assert response.status == 201, response.body
    return response.body


def subscribe_receiver(receiver, events=("CASE.ASSIGNED",), filter=None) -> dict:
    return subscribe({"type": "webhook", "url": receiver.url}, list(events), filter)


def published_emails(topic_arn: str) -> list[tuple]:
    return sns_backends[DEFAULT_ACCOUNT_ID][REGION].topics[topic_arn].sent_notifications


def test_a_subscribed_webhook_receives_a_signed_request_that_verifies(receiver):
    subscription = subscribe_receiver(receiver)

    result = consume(sqs_event(reassignment_detail()))

    assert result == {"batchItemFailures": []}
    (request,) = receiver.received
    headers = {name.lower(): value for name, value in request.headers.items()}
    assert verify(subscription["signingSecret"], headers["x-casetrail-signature"], request.body, now=int(time.time()))
    assert headers["x-casetrail-delivery"] and headers["x-casetrail-timestamp"].isdigit()
    payload = request.json()
    assert payload["message"] == "Case 10009 (urgent, billing) was reassigned from Ana to the Fraud queue by Ben."
    assert payload["link"] == "https://casetrail.example.com/v1/cases/5d1f6c1e-8a43-4c4b-9a57-2f0e3e1b7a10"
    assert payload["eventId"] == reassignment_detail()["eventId"] and payload["deliveryId"] == headers["x-casetrail-delivery"]


def test_a_signature_made_with_another_secret_does_not_verify(receiver):
    subscribe_receiver(receiver)

    consume(sqs_event(reassignment_detail()))

    (request,) = receiver.received
    header = {k.lower(): v for k, v in request.headers.items()}["x-casetrail-signature"]
    assert not verify("whsec_not-the-secret", header, request.body, now=int(time.time()))


def test_a_duplicated_event_is_delivered_once(receiver):
    subscribe_receiver(receiver)
    event = sqs_event(reassignment_detail())

    consume(event)
    consume(event)
    consume(sqs_event(reassignment_detail(), reassignment_detail()))  # both copies in one batch

    assert len(receiver.received) == 1


def test_a_failing_receiver_makes_the_message_retry_and_the_retry_delivers_once(receiver):
    subscribe_receiver(receiver)
    receiver.failures_left = 1
    event = sqs_event(reassignment_detail())

    first = consume(event)
    retried = consume(event)  # SQS redelivers the failed message after its visibility timeout
    redelivered_again = consume(event)

    assert first == {"batchItemFailures": [{"itemIdentifier": "message-0"}]}
    assert retried == {"batchItemFailures": []} and redelivered_again == {"batchItemFailures": []}
    assert len(receiver.received) == 1


def test_a_retry_does_not_repeat_deliveries_that_already_succeeded(receiver, notifications):
    subscribe({"type": "email", "address": "sam@example.com"}, ["CASE.ASSIGNED"])
    subscribe_receiver(receiver)
    receiver.failures_left = 1
    event = sqs_event(reassignment_detail())

    consume(event)
    consume(event)

    assert len(published_emails(notifications)) == 1
    assert len(receiver.received) == 1


def test_an_email_subscription_gets_the_message_through_the_topic_for_its_own_address(notifications):
    subscription = subscribe({"type": "email", "address": "sam@example.com"}, ["CASE.UPDATED"])

    consume(sqs_event(reassignment_detail()))

    ((_, message, subject, attributes, _),) = published_emails(notifications)
    assert subject == "[Casetrail] Case 10009 (urgent, billing) was reassigned from Ana to the Fraud queue by Ben."
    assert message.startswith("Case 10009 (urgent, billing) was reassigned") and "/cases/5d1f6c1e-" in message
    assert attributes["subscriptionId"]["Value"] == subscription["subscriptionId"]
    assert "cust-0001" not in message  # the customer stays behind the link


def test_an_event_outside_the_filter_notifies_nobody(receiver, notifications):
    subscribe_receiver(receiver, events=["CASE.UPDATED"], filter={"priorities": ["low"]})
    subscribe({"type": "email", "address": "sam@example.com"}, ["CASE.CREATED"])

    result = consume(sqs_event(reassignment_detail()))

    assert result == {"batchItemFailures": []}
    assert receiver.received == [] and published_emails(notifications) == []


def test_another_tenants_event_does_not_reach_this_tenants_subscribers(receiver):
    subscribe_receiver(receiver)
    foreign = {**reassignment_detail(), "tenantId": "other"}

    consume(sqs_event(foreign))

    assert receiver.received == []


def test_a_webhook_host_that_now_resolves_inside_is_refused_without_retrying(receiver, monkeypatch):
    subscribe_receiver(receiver)
    from casetrail.outbound import webhook_urls

    monkeypatch.setattr(webhook_urls.socket, "getaddrinfo", lambda *a, **k: [(2, 1, 6, "", ("10.0.0.7", 80))])

    result = consume(sqs_event(reassignment_detail()))

    assert result == {"batchItemFailures": []} and receiver.received == []


@pytest.fixture
def trickling(receiver):
    trickling = TricklingReceiver(other=receiver).start()
    yield trickling
    trickling.stop()


def test_a_trickling_receiver_is_abandoned_at_its_deadline_and_never_holds_back_another(receiver, trickling, monkeypatch):
    # Given two subscribers of an event: one answers normally, one trickles its answer a byte at a
    # time (each byte well within the socket read timeout), for longer than a delivery may take
    from casetrail.outbound import webhook_delivery

    monkeypatch.setattr(webhook_delivery, "DEADLINE_SECONDS", 1.0)
    subscribe({"type": "webhook", "url": trickling.url}, ["CASE.ASSIGNED"])
    subscribe_receiver(receiver)

    # When the consumer handles the event
    result = consume(sqs_event(reassignment_detail()))

    # Then the trickling delivery is abandoned as failed (the message is retried for it alone) ...
    assert result == {"batchItemFailures": [{"itemIdentifier": "message-0"}]}
    trickling.stop()
    assert trickling.requests == 1 and trickling.hung_up_on
    # ... and the other subscriber got the event, while the slow one was still being held
    assert len(receiver.received) == 1
    assert trickling.other_received_while_trickling
