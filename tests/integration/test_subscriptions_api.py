"""The subscriptions API through the real handler, on moto."""

import boto3
import pytest

from tests.integration.api_client import ApiClient

pytestmark = pytest.mark.usefixtures("notifications")

SUPERVISOR = ApiClient(principal_id="p-demo-sam", name="Sam Supervisor", role="supervisor")
WEBHOOK = {"target": {"type": "webhook", "url": "http://127.0.0.1:9/hook"}, "events": ["CASE.CREATED"]}
EMAIL = {"target": {"type": "email", "address": "sam@example.com"}, "events": ["CASE.ASSIGNED"], "filter": {"priorities": ["high", "urgent"]}}


def create(client: ApiClient = SUPERVISOR, body: dict = WEBHOOK):
    return client.request("create_subscription", body=body)


def read(client: ApiClient, subscription_id: str):
    return client.request("get_subscription", path=f"/subscriptions/{subscription_id}")


def test_a_webhook_subscription_shows_its_signing_secret_once():
    created = create()

    assert created.status == 201
    assert created.body["signingSecret"].startswith("whsec_")
    subscription_id = created.body["subscriptionId"]
    fetched = read(SUPERVISOR, subscription_id)
    assert fetched.status == 200 and "signingSecret" not in fetched.body
    listed = SUPERVISOR.request("list_subscriptions")
    assert [s["subscriptionId"] for s in listed.body["items"]] == [subscription_id]
    assert created.body["signingSecret"] not in str(listed.body)


def test_the_signing_secret_is_stored_encrypted_not_in_plaintext():
    secret = create().body["signingSecret"]

    items = boto3.client("dynamodb").scan(TableName="casetrail-test-notifications")["Items"]

    assert items and secret not in str(items)


def test_an_email_subscription_subscribes_the_address_to_the_topic_for_its_own_messages(notifications):
    created = create(body=EMAIL)

    assert created.status == 201 and created.body["signingSecret"] is None
    sns = boto3.client("sns")
    (sns_subscription,) = sns.list_subscriptions_by_topic(TopicArn=notifications)["Subscriptions"]
    assert sns_subscription["Protocol"] == "email" and sns_subscription["Endpoint"] == "sam@example.com"
    attributes = sns.get_subscription_attributes(SubscriptionArn=sns_subscription["SubscriptionArn"])["Attributes"]
    assert created.body["subscriptionId"] in attributes["FilterPolicy"]


def test_deleting_a_subscription_removes_it_and_its_email_subscription(notifications):
    subscription_id = create(body=EMAIL).body["subscriptionId"]

    deleted = SUPERVISOR.request("delete_subscription", path=f"/subscriptions/{subscription_id}")

    assert deleted.status == 204
    assert read(SUPERVISOR, subscription_id).status == 404
    assert boto3.client("sns").list_subscriptions_by_topic(TopicArn=notifications)["Subscriptions"] == []


def test_agents_may_not_manage_subscriptions():
    agent = ApiClient(role="agent")
    subscription_id = create().body["subscriptionId"]

    assert create(agent).status == 403 and create(agent).body["code"] == "FORBIDDEN"
    assert agent.request("list_subscriptions").status == 403
    assert read(agent, subscription_id).status == 403
    assert agent.request("delete_subscription", path=f"/subscriptions/{subscription_id}").status == 403


def test_an_admin_may_manage_subscriptions():
    assert create(ApiClient(principal_id="p-admin", name="Ada Admin", role="admin")).status == 201


def test_another_tenants_subscription_is_not_found():
    subscription_id = create().body["subscriptionId"]
    stranger = ApiClient(tenant_id="other", principal_id="p-other", name="Olga", role="supervisor")

    assert read(stranger, subscription_id).status == 404
    assert stranger.request("list_subscriptions").body["items"] == []


@pytest.mark.parametrize(
    "body, field",
    [
        ({**WEBHOOK, "events": ["CASE.EXPLODED"]}, "events.0"),
        ({**WEBHOOK, "events": []}, "events"),
        ({**WEBHOOK, "filter": {"priorities": ["very"]}}, "filter.priorities.0"),
        ({"target": {"type": "pigeon"}, "events": ["CASE.CREATED"]}, "target"),
        ({**EMAIL, "target": {"type": "email", "address": "not-an-address"}}, "target.email.address"),
    ],
)
def test_a_subscription_outside_the_vocabulary_is_refused(body, field):
    response = create(body=body)

    assert response.status == 422 and response.body["code"] == "VALIDATION_ERROR"
    assert any(issue["field"] == field for issue in response.body["fields"]), response.body["fields"]


def test_a_webhook_to_an_internal_address_is_refused_and_nothing_is_stored():
    response = create(body={**WEBHOOK, "target": {"type": "webhook", "url": "https://169.254.169.254/latest"}})

    assert response.status == 422 and response.body["code"] == "UNSAFE_WEBHOOK_URL"
    assert SUPERVISOR.request("list_subscriptions").body["items"] == []


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000/in coming", "http://127.0.0.1:0/hook", "https://[2002:a9fe:a9fe::]/hook"])
def test_a_webhook_that_could_never_be_delivered_is_refused_at_subscribe_time(url):
    # Given a URL http.client would refuse to send (a space), port 0, or a 6to4 form of 169.254.169.254
    # When a supervisor subscribes it
    response = create(body={**WEBHOOK, "target": {"type": "webhook", "url": url}})

    # Then it is a 422 now, not a delivery retried into the dead-letter queue later
    assert response.status == 422 and response.body["code"] == "UNSAFE_WEBHOOK_URL"
    assert SUPERVISOR.request("list_subscriptions").body["items"] == []


def test_a_plain_http_webhook_is_refused_when_loopback_is_not_allowed(monkeypatch):
    from casetrail.handlers import notification_wiring
    from casetrail.settings import get_settings

    monkeypatch.delenv("ALLOW_LOOPBACK_WEBHOOKS")
    get_settings.cache_clear()
    notification_wiring.reset()

    response = create()

    assert response.status == 422 and response.body["code"] == "UNSAFE_WEBHOOK_URL"
