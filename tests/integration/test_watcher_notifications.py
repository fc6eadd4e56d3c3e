"""Watchers and mentions end to end through the real handlers on moto: the API writes (watch,
comment with @mentions, edit), the notification consumer turns the events into emails on each
person's own channel, once per (event, person), never to the person who acted."""

import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.sns.models import sns_backends

from casetrail.domain.users import User, UserRole
from casetrail.store.dynamo import Table
from tests.conftest import REGION
from tests.integration.api_client import ApiClient
from tests.integration.notification_support import consume, sqs_event
from tests.integration.test_billing import published_detail

pytestmark = pytest.mark.usefixtures("notifications")

PEOPLE = {
    "u-ana": ("Ana Lima", "ana.lima@example.com"),
    "u-ben": ("Ben Ortiz", "ben@example.com"),
    "u-cid": ("Cid Rao", "cid@example.com"),
}


@pytest.fixture(autouse=True)
def people(notifications):
    from casetrail.settings import get_settings
    from casetrail.store.dynamo import Table
    from casetrail.store.users import UserRepository

    users = UserRepository(Table(get_settings().users_table_name))
    for user_id, (name, email) in PEOPLE.items():
        users.put("demo", User(user_id=user_id, name=name, email=email, role=UserRole.AGENT))


def person(user_id: str) -> ApiClient:
    client = ApiClient(principal_id=user_id, name=PEOPLE[user_id][0], role="agent")
    client.authorizer["kind"] = "user"
    return client


@pytest.fixture
def case_id() -> str:
    ApiClient().create_customer({"customerId": "cust-watch", "name": "Watch Customer"})
    return ApiClient().create_case({"title": "Watch me", "customerId": "cust-watch", "priority": "high"}).body["caseId"]


def emails(topic_arn: str) -> list[tuple[str, str]]:
    """(recipient, subject) of every message published to the topic."""
    sent = sns_backends[DEFAULT_ACCOUNT_ID][REGION].topics[topic_arn].sent_notifications
    return [(attributes["subscriptionId"]["Value"], subject) for (_, _, subject, attributes, _) in sent]


def channels(topic_arn: str) -> dict[str, str]:
    """Email address → the recipient its SNS subscription's filter policy accepts."""
    subscriptions = sns_backends[DEFAULT_ACCOUNT_ID][REGION].subscriptions.values()
    return {s.endpoint: s._filter_policy["subscriptionId"][0] for s in subscriptions if s.topic.arn == topic_arn}


def comment(author: ApiClient, case_id: str, body: str) -> dict:
    response = author.add_related_item(case_id, "comment", {"body": body})
    assert response.status == 201, response.body
    return response.body


def test_a_watcher_is_emailed_on_their_own_channel_when_someone_else_changes_the_case(case_id, notifications):
    # Given Ana watches the case (her email channel is opened the first time she watches)
    assert person("u-ana").request("watch_case", path=f"/cases/{case_id}/watchers/me").status == 200
    assert channels(notifications) == {"ana.lima@example.com": "user-u-ana"}

    # When Ben changes its status, and the event reaches the notification consumer twice
    assert person("u-ben").patch_case(case_id, {"status": "in_progress"}, '"1"').status == 200
    event = sqs_event(published_detail(case_id, version=2))
    assert consume(event) == {"batchItemFailures": []}
    consume(event)

    # Then Ana gets one email, on her channel, saying what Ben did
    (sent,) = emails(notifications)
    assert sent[0] == "user-u-ana"
    assert "moved from open to in progress by Ben Ortiz" in sent[1]


def test_a_watcher_is_not_told_of_their_own_change(case_id, notifications):
    person("u-ana").request("watch_case", path=f"/cases/{case_id}/watchers/me")

    person("u-ana").patch_case(case_id, {"status": "in_progress"}, '"1"')
    consume(sqs_event(published_detail(case_id, version=2)))

    assert emails(notifications) == []


def test_a_comment_mentions_users_by_handle_who_become_watchers_and_are_told_once(case_id, notifications):
    # Given Cid watches the case
    person("u-cid").request("watch_case", path=f"/cases/{case_id}/watchers/me")

    # When Ben comments mentioning Ana (any case, by her email's local part) and an unknown @name
    item = comment(person("u-ben"), case_id, "@ANA.LIMA can you call back? @nobody knows.")

    # Then the comment names her structurally, the text stays as written, and she watches the case
    assert [m["userId"] for m in item["mentions"]] == ["u-ana"]
    assert item["content"]["body"] == "@ANA.LIMA can you call back? @nobody knows."
    watchers = person("u-ben").request("case_watchers", path=f"/cases/{case_id}/watchers").body["items"]
    assert sorted(w["principalId"] for w in watchers) == ["u-ana", "u-cid"]
    # ... the audit and the event carry the mention
    detail = published_detail(case_id, version=2)
    assert detail["changes"] == [{"fieldId": "mentions", "oldValue": None, "newValue": ["u-ana"]}]
    assert detail["relatedItem"]["mentions"][0]["handle"] == "ana.lima"
    audit = person("u-ben").audit(case_id).body["items"]
    assert audit[-1]["changes"][0]["newValue"] == ["u-ana"]

    # When the consumer handles the comment's event
    consume(sqs_event(detail))

    # Then Ana is told she was mentioned, Cid that a comment was added; Ben, who wrote it, nothing
    assert sorted(emails(notifications)) == [
        ("user-u-ana", "[Casetrail] Ben Ortiz mentioned you in a comment on Case 10009 (high)."),
        ("user-u-cid", "[Casetrail] Case 10009 (high) had a comment added by Ben Ortiz."),
    ]
    assert "ana.lima@example.com" in channels(notifications)


def test_editing_a_comment_mentions_only_the_users_it_adds(case_id, notifications):
    item = comment(person("u-ben"), case_id, "@ana.lima please look")
    consume(sqs_event(published_detail(case_id, version=2)))
    person("u-ana").request("unwatch_case", path=f"/cases/{case_id}/watchers/me")

    # When Ben edits the comment to mention Cid too
    response = person("u-ben").edit_comment(case_id, item["relatedItemId"], {"body": "@ana.lima @cid please look"})

    # Then Cid is mentioned and watches; Ana, mentioned before and no longer watching, is not told again
    assert response.status == 200, response.body
    assert [m["userId"] for m in response.body["mentions"]] == ["u-ana", "u-cid"]
    detail = published_detail(case_id, version=3)
    assert {"fieldId": "mentions", "oldValue": ["u-ana"], "newValue": ["u-ana", "u-cid"]} in detail["changes"]
    consume(sqs_event(detail))
    assert [recipient for recipient, _ in emails(notifications)] == ["user-u-ana", "user-u-cid"]
    watchers = person("u-ben").request("case_watchers", path=f"/cases/{case_id}/watchers").body["items"]
    assert [w["principalId"] for w in watchers] == ["u-cid"]


def test_a_handle_two_users_share_mentions_nobody(case_id):
    from casetrail.settings import get_settings
    from casetrail.store.dynamo import Table
    from casetrail.store.users import UserRepository

    UserRepository(Table(get_settings().users_table_name)).put(
        "demo", User(user_id="u-ben2", name="Ben Two", email="ben@other.example", role=UserRole.AGENT)
    )

    item = comment(person("u-cid"), case_id, "@ben over to you")

    assert item.get("mentions") is None


def test_another_tenants_user_is_not_mentioned(case_id):
    from casetrail.settings import get_settings
    from casetrail.store.dynamo import Table
    from casetrail.store.users import UserRepository

    UserRepository(Table(get_settings().users_table_name)).put(
        "acme", User(user_id="u-zed", name="Zed", email="zed@acme.example", role=UserRole.AGENT)
    )

    assert comment(person("u-ben"), case_id, "@zed hello").get("mentions") is None


@pytest.fixture
def dynamodb_calls():
    """Every DynamoDB call the code makes from now on, as (operation, table)."""
    from casetrail.store.dynamo import dynamodb_client

    calls: list[tuple[str, str]] = []
    client = dynamodb_client()

    def record(model, params, **_):
        calls.append((model.name, params.get("TableName", "")))

    client.meta.events.register("provide-client-params.dynamodb.*", record)
    yield calls
    client.meta.events.unregister("provide-client-params.dynamodb.*", record)


def test_an_event_reads_a_cases_watchers_with_one_query_however_many_they_are(case_id, notifications, dynamodb_calls):
    # Given 40 watchers of the case
    from datetime import UTC, datetime

    from casetrail.settings import get_settings
    from casetrail.store.watchers import Watcher, WatcherRepository

    watchers = WatcherRepository(Table(get_settings().cases_table_name))
    for n in range(40):
        watchers.add("demo", case_id, Watcher(principal_id=f"u-{n}", name=f"User {n}", since=datetime.now(UTC)))
    person("u-ben").patch_case(case_id, {"status": "in_progress"}, '"1"')
    event = sqs_event(published_detail(case_id, version=2))
    dynamodb_calls.clear()

    # When the consumer handles the event
    consume(event)

    # Then it read the cases table once (the watchers' Query) and told all 40
    cases_table = get_settings().cases_table_name
    assert [operation for operation, table in dynamodb_calls if table == cases_table] == ["Query"]
    assert len(emails(notifications)) == 40


class FakeUserPool:
    """The user pool's side of disabling someone: who they are, and that they were disabled."""

    def __init__(self):
        self.disabled: list[str] = []

    def find(self, email: str):
        from casetrail.outbound.user_pool import PoolUser

        user_id = next(user_id for user_id, (_, address) in PEOPLE.items() if address == email)
        return PoolUser(user_id=user_id, email=email, tenant_id="demo")

    def disable(self, email: str) -> None:
        self.disabled.append(email)


def test_a_disabled_user_hears_nothing_more_of_the_cases_they_watch(case_id, notifications):
    from casetrail.handlers import notification_wiring
    from casetrail.service.people import PeopleAdministration
    from casetrail.settings import get_settings
    from casetrail.store.access import AccessRepository
    from casetrail.store.users import UserRepository

    # Given Ana watches the case, her channel open
    person("u-ana").request("watch_case", path=f"/cases/{case_id}/watchers/me")
    assert "ana.lima@example.com" in channels(notifications)

    # When an admin disables her
    settings = get_settings()
    people = PeopleAdministration(
        FakeUserPool(), UserRepository(Table(settings.users_table_name)), AccessRepository(Table(settings.access_table_name)),
        notification_wiring.user_channels(),
    )
    people.disable("demo", "ana.lima@example.com")

    # Then her channel is gone: what is published for her reaches no address
    assert channels(notifications) == {}
