"""A consumer failure goes to the dead-letter queue and, once its cause is fixed, the redrive
command puts it back: the Billing consumer, fed through SQS with the deployed redrive policy."""

import json

import pytest

from casetrail.admin import _parser, local_queue_urls, run_redrive
from casetrail.store.dynamo import dynamodb_client
from casetrail.store.provisioning import create_table_request
from casetrail.store.tables import USAGE_TABLE
from local.queue_poller import to_lambda_record
from tests.conftest import TEST_ENVIRONMENT, load_event
from tests.integration.api_client import ApiClient
from tests.lambda_context import FakeLambdaContext

pytestmark = pytest.mark.usefixtures("aws")

MAX_RECEIVE_COUNT = 5  # infra/constructs/queues.py
USAGE_TABLE_NAME = TEST_ENVIRONMENT[USAGE_TABLE.env_var]


@pytest.fixture
def sqs():
    import boto3

    return boto3.client("sqs")


@pytest.fixture
def billing_queues(sqs) -> dict:
    """The Billing consumer's queues as `make run` names them; visible again at once after a failure."""
    dead_letters = sqs.create_queue(QueueName="casetrail-local-billing-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dead_letters, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": MAX_RECEIVE_COUNT})
    source = sqs.create_queue(QueueName="casetrail-local-billing", Attributes={"RedrivePolicy": policy, "VisibilityTimeout": "0"})["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=source, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return {"source": source, "dead_letters": dead_letters, "arn": arn}


def consume_once(sqs, queues: dict) -> int:
    """One poll of the event source mapping: the consumer runs, only its successes are deleted."""
    from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

    from casetrail.handlers.billing_consumer import handler

    messages = sqs.receive_message(QueueUrl=queues["source"], MaxNumberOfMessages=10, AttributeNames=["All"]).get("Messages", [])
    if not messages:
        return 0
    records = [to_lambda_record(m, queues["arn"]) for m in messages]
    try:
        failed = {f["itemIdentifier"] for f in handler({"Records": records}, FakeLambdaContext())["batchItemFailures"]}
    except BatchProcessingError:  # every record failed: the invocation fails and SQS keeps them all
        failed = {m["MessageId"] for m in messages}
    for message in messages:
        if message["MessageId"] not in failed:
            sqs.delete_message(QueueUrl=queues["source"], ReceiptHandle=message["ReceiptHandle"])
    return len(messages)


def waiting(sqs, url: str) -> int:
    return int(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]["ApproximateNumberOfMessages"])


def cases_metered() -> int:
    supervisor = ApiClient(principal_id="p-sam", name="Sam Supervisor", role="supervisor")
    return supervisor.request("get_usage", query={"month": "2026-11"}).body["casesMetered"]


def test_a_failing_event_lands_in_the_dead_letter_queue_and_is_metered_once_after_the_redrive(sqs, billing_queues):
    sqs.send_message(QueueUrl=billing_queues["source"], MessageBody=load_event("sqs/case_created.json")["Records"][0]["body"])
    dynamodb_client().delete_table(TableName=USAGE_TABLE_NAME)  # the cause: billing cannot write its usage

    attempts = 0
    while consume_once(sqs, billing_queues):
        attempts += 1

    assert attempts == MAX_RECEIVE_COUNT
    assert waiting(sqs, billing_queues["dead_letters"]) == 1 and waiting(sqs, billing_queues["source"]) == 0

    dynamodb_client().create_table(**create_table_request(USAGE_TABLE, USAGE_TABLE_NAME))  # the fix
    arguments = _parser().parse_args(["--local", "redrive", "--consumer", "Billing"])
    report = run_redrive(arguments, sqs, *local_queue_urls(sqs, "Billing"), wait_seconds=0)

    assert report == {"consumer": "Billing", "moved": 1, "failed": 0}
    assert waiting(sqs, billing_queues["dead_letters"]) == 0
    assert consume_once(sqs, billing_queues) == 1 and consume_once(sqs, billing_queues) == 0
    assert cases_metered() == 1


def test_a_redrive_moves_at_most_the_number_asked(sqs, billing_queues):
    for index in range(3):
        sqs.send_message(QueueUrl=billing_queues["dead_letters"], MessageBody=f"message {index}")
    arguments = _parser().parse_args(["--local", "redrive", "--consumer", "Billing", "--max", "2"])

    report = run_redrive(arguments, sqs, *local_queue_urls(sqs, "Billing"), wait_seconds=0)

    assert report["moved"] == 2
    assert waiting(sqs, billing_queues["source"]) == 2 and waiting(sqs, billing_queues["dead_letters"]) == 1
