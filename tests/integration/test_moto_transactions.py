"""The emulation's TransactWriteItems behaves like DynamoDB's (local/moto_transactions.py): a cancelled
transaction writes nothing and puts nothing on the table's stream, and the stream keeps flowing.
moto in server mode, as the local runner uses it (its DynamoDB Streams only work there)."""

import socket
import urllib.request

import boto3
import pytest
from botocore.exceptions import ClientError

from local import moto_transactions


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class StreamReader:
    """Follows the table's stream shard with one iterator, as the runner's stream poller does."""

    def __init__(self, streams, stream_arn: str):
        self._streams = streams
        shard_id = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"][0]["ShardId"]
        self._iterator = streams.get_shard_iterator(
            StreamArn=stream_arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]

    def read(self) -> list[tuple[str, str]]:
        """(event name, pk) of each record since the last read."""
        response = self._streams.get_records(ShardIterator=self._iterator)
        self._iterator = response["NextShardIterator"]
        return [(r["eventName"], r["dynamodb"]["Keys"]["pk"]["S"]) for r in response["Records"]]


@pytest.fixture(scope="module")
def moto_server():
    """A patched moto server, as the local runner's; yields its endpoint."""
    from moto.server import ThreadedMotoServer

    moto_transactions.install()
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def emulation(moto_server):
    """One streamed table "t" (key pk); yields (dynamodb, stream reader)."""
    _reset(moto_server)  # moto's state is the process's: start from none, leave none
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")
    dynamodb = session.client("dynamodb", endpoint_url=moto_server)
    stream_arn = dynamodb.create_table(
        TableName="t",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )["TableDescription"]["LatestStreamArn"]
    yield dynamodb, StreamReader(session.client("dynamodbstreams", endpoint_url=moto_server), stream_arn)
    _reset(moto_server)


def _reset(endpoint: str) -> None:
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=5).close()


def _put(pk: str, **extra) -> dict:
    return {"Put": {"TableName": "t", "Item": {"pk": {"S": pk}}, **extra}}


def _only_if_absent(pk: str) -> dict:
    return _put(pk, ConditionExpression="attribute_not_exists(pk)")


def _items(dynamodb) -> list[str]:
    return sorted(item["pk"]["S"] for item in dynamodb.scan(TableName="t")["Items"])


def test_a_cancelled_transaction_puts_nothing_on_the_stream_and_later_writes_keep_flowing(emulation):
    # Given a table whose stream is being read
    dynamodb, stream = emulation
    dynamodb.put_item(TableName="t", Item={"pk": {"S": "before"}})
    assert stream.read() == [("INSERT", "before")]

    # When a transaction is cancelled by its second item's condition, and then another item is put
    with pytest.raises(ClientError) as cancelled:
        dynamodb.transact_write_items(TransactItems=[_put("rolled-back"), _only_if_absent("before")])
    dynamodb.put_item(TableName="t", Item={"pk": {"S": "after"}})

    # Then the same iterator reads the later write, and never the rolled-back one
    assert cancelled.value.response["Error"]["Code"] == "TransactionCanceledException"
    assert stream.read() == [("INSERT", "after")]
    assert _items(dynamodb) == ["after", "before"]


def test_a_cancelled_transaction_says_which_condition_failed_and_writes_nothing(emulation):
    dynamodb, stream = emulation
    dynamodb.put_item(TableName="t", Item={"pk": {"S": "taken"}, "owner": {"S": "ana"}})
    dynamodb.put_item(TableName="t", Item={"pk": {"S": "checked"}})
    stream.read()

    with pytest.raises(ClientError) as cancelled:
        dynamodb.transact_write_items(
            TransactItems=[
                _put("new"),
                _put("taken", ConditionExpression="attribute_not_exists(pk)", ReturnValuesOnConditionCheckFailure="ALL_OLD"),
                {"ConditionCheck": {"TableName": "t", "Key": {"pk": {"S": "checked"}}, "ConditionExpression": "attribute_exists(pk)"}},
            ]
        )

    reasons = cancelled.value.response["CancellationReasons"]
    assert [reason["Code"] for reason in reasons] == ["None", "ConditionalCheckFailed", "None"]
    assert reasons[1]["Item"] == {"pk": {"S": "taken"}, "owner": {"S": "ana"}}
    assert _items(dynamodb) == ["checked", "taken"]
    assert stream.read() == []


def test_a_committed_transaction_writes_every_item_with_one_stream_record_each(emulation):
    dynamodb, stream = emulation
    dynamodb.put_item(TableName="t", Item={"pk": {"S": "counter"}, "n": {"N": "1"}})
    dynamodb.put_item(TableName="t", Item={"pk": {"S": "old"}})
    stream.read()

    dynamodb.transact_write_items(
        TransactItems=[
            _only_if_absent("new"),
            {
                "Update": {
                    "TableName": "t",
                    "Key": {"pk": {"S": "counter"}},
                    "UpdateExpression": "SET n = n + :one",
                    "ConditionExpression": "n = :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}},
                }
            },
            {"Delete": {"TableName": "t", "Key": {"pk": {"S": "old"}}}},
        ]
    )

    assert stream.read() == [("INSERT", "new"), ("MODIFY", "counter"), ("REMOVE", "old")]
    assert _items(dynamodb) == ["counter", "new"]
    assert dynamodb.get_item(TableName="t", Key={"pk": {"S": "counter"}})["Item"]["n"] == {"N": "2"}


def test_a_write_refused_after_others_were_applied_undoes_them_all(emulation):
    # Given an item whose attribute is a string
    dynamodb, stream = emulation
    dynamodb.put_item(TableName="t", Item={"pk": {"S": "text"}, "n": {"S": "not a number"}})
    stream.read()

    # When a transaction's last write adds a number to it (refused only when moto applies it)
    with pytest.raises(ClientError) as refused:
        dynamodb.transact_write_items(
            TransactItems=[
                _put("first"),
                {
                    "Update": {
                        "TableName": "t",
                        "Key": {"pk": {"S": "text"}},
                        "UpdateExpression": "SET n = n + :one",
                        "ExpressionAttributeValues": {":one": {"N": "1"}},
                    }
                },
            ]
        )

    # Then nothing of it remains, in the table or on the stream
    assert refused.value.response["Error"]["Code"] == "ValidationException"
    assert _items(dynamodb) == ["text"]
    assert dynamodb.get_item(TableName="t", Key={"pk": {"S": "text"}})["Item"]["n"] == {"S": "not a number"}
    assert stream.read() == []


def test_the_patch_refuses_a_moto_whose_internals_moved(monkeypatch):
    from moto.dynamodb.models import DynamoDBBackend

    original = next(iter(moto_transactions.FINGERPRINTS))
    monkeypatch.setattr(DynamoDBBackend, "transact_write_items", original)  # as if never installed
    monkeypatch.setitem(moto_transactions.FINGERPRINTS, original, "0" * 16)  # as if moto's source had changed

    with pytest.raises(moto_transactions.MotoInternalsChanged, match="DynamoDBBackend.transact_write_items"):
        moto_transactions.install()
