"""`make run`: a watcher hears of a case's changes on their own email channel, a comment's @mention
makes its user a watcher and tells them, and a bulk job over a filter runs to its end without the
client calling continue (the worker in the runner's event path)."""

import json
import time

import boto3
import pytest

from tests.e2e.local_runner import EVENT_TIMEOUT_SECONDS, Runner
from tests.e2e.test_local_runner import _sign_in

pytestmark = pytest.mark.e2e


def _moto(casetrail: Runner, service: str):
    return boto3.client(
        service, endpoint_url=f"http://127.0.0.1:{casetrail.moto_port}", region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )


@pytest.fixture
def mail_inbox(casetrail):
    """An SQS queue subscribed to the notification topic with no filter: a copy of every email."""
    sns, sqs = _moto(casetrail, "sns"), _moto(casetrail, "sqs")
    (topic_arn,) = [t["TopicArn"] for t in sns.list_topics()["Topics"] if "notification" in t["TopicArn"].lower()]
    queue_url = sqs.create_queue(QueueName=f"mail-inbox-{time.monotonic_ns()}")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    subscription = sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn, ReturnSubscriptionArn=True)["SubscriptionArn"]
    seen: list[dict] = []

    def received(wanted, timeout: float = EVENT_TIMEOUT_SECONDS) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", []):
                seen.append(json.loads(message["Body"]))
            if any(wanted(m) for m in seen):
                break
        return [m for m in seen if wanted(m)]

    yield topic_arn, received
    sns.unsubscribe(SubscriptionArn=subscription)
    sqs.delete_queue(QueueUrl=queue_url)


def _recipient(message: dict) -> str:
    return message["MessageAttributes"]["subscriptionId"]["Value"]


def test_a_mention_makes_the_agent_a_watcher_who_then_hears_of_the_case_on_her_own_channel(casetrail, mail_inbox):
    topic_arn, received = mail_inbox
    ana = casetrail.as_caller(_sign_in(casetrail, "agent@example.com").body["AuthenticationResult"]["IdToken"])
    ana_id = ana.call("GET", "/users/me").body["userId"]
    case = casetrail.call("POST", "/cases", {"title": "Double charge", "customerId": "cust-2", "priority": "low"}).body

    # When the supervisor's key comments mentioning her by her email's local part
    item = casetrail.call(
        "POST", f"/cases/{case['caseId']}/related-items", {"type": "comment", "content": {"body": "@Agent please call back"}}
    )

    # Then the comment names her, she watches the case, and her channel is told she was mentioned
    assert item.status == 201 and [m["userId"] for m in item.body["mentions"]] == [ana_id]
    watchers = casetrail.call("GET", f"/cases/{case['caseId']}/watchers").body["items"]
    assert [w["principalId"] for w in watchers] == [ana_id]
    mentioned = received(lambda m: _recipient(m) == f"user-{ana_id}" and case["referenceNumber"] in m["Subject"])
    assert mentioned and mentioned[0]["Subject"].startswith("[Casetrail] Demo Supervisor mentioned you in a comment on Case")
    channels = _moto(casetrail, "sns").list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]
    assert "agent@example.com" in [s["Endpoint"] for s in channels if s["Protocol"] == "email"]

    # When the supervisor changes the case, and when Ana changes it herself
    casetrail.call("PATCH", f"/cases/{case['caseId']}", {"status": "in_progress"}, headers={"If-Match": '"2"'})
    ana.call("PATCH", f"/cases/{case['caseId']}", {"priority": "normal"}, headers={"If-Match": '"3"'})

    # Then she is told of the first once, never of her own
    told = received(lambda m: _recipient(m) == f"user-{ana_id}" and "in progress" in m["Subject"] and case["referenceNumber"] in m["Subject"])
    assert len(told) == 1
    time.sleep(1)  # long enough for a notification of her own change to show up, were there one
    assert not received(lambda m: _recipient(m) == f"user-{ana_id}" and "priority" in m["Subject"] and case["referenceNumber"] in m["Subject"], timeout=1)


def test_a_bulk_job_longer_than_one_part_finishes_without_the_client(casetrail):
    queue = f"recall-{time.monotonic_ns()}"
    for n in range(103):  # one part is 100 items
        assert casetrail.call("POST", "/cases", {"title": f"Recall {n}", "customerId": "cust-2", "queue": queue, "priority": "low"}).status == 201

    started = casetrail.call("POST", "/cases/bulk", {"filter": {"queue": queue}, "patch": {"tags": ["recall"]}})
    # The request runs the first part: up to 100 items, fewer when its function runs short of time
    assert started.status == 202 and 1 <= started.body["processed"] <= 100

    deadline, job = time.monotonic() + 4 * EVENT_TIMEOUT_SECONDS, started.body
    while job["status"] != "done" and time.monotonic() < deadline:
        time.sleep(0.5)
        job = casetrail.call("GET", f"/cases/bulk/{started.body['jobId']}").body
    # (a case a consumer was changing at that very moment is a versionConflict, as in any bulk run)
    assert (job["status"], job["processed"], sum(job["counts"].values())) == ("done", 103, 103) and job["part"] >= 2
    assert job["counts"]["done"] >= 100
    # A continue of a finished job changes nothing
    again = casetrail.call("POST", f"/cases/bulk/{started.body['jobId']}/continue")
    assert again.status == 200 and again.body["processed"] == 103
