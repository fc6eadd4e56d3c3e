"""Requests to OpenSearch Serverless are SigV4-signed for the service "aoss", with the payload's
hash as a header (Serverless requires it), and answers come back as (status, JSON)."""

import hashlib
import json

import boto3

from casetrail.search import opensearch_transport


class _Answer:
    status = 200
    data = b'{"hits": {"hits": []}}'


class _RecordingPool:
    def __init__(self):
        self.sent = []

    def request(self, method, url, body=None, headers=None):
        self.sent.append((method, url, body, headers))
        return _Answer()


def test_a_request_is_signed_for_aoss_with_its_payload_hash(monkeypatch):
    pool = _RecordingPool()
    monkeypatch.setattr(opensearch_transport, "_pool", lambda: pool)
    session = boto3.Session(aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret", region_name="eu-west-1")
    transport = opensearch_transport.SignedTransport("https://abc.eu-west-1.aoss.amazonaws.com/", "eu-west-1", session)

    status, answer = transport.send("POST", "/cases/_search", {"size": 1}, {"routing": "x"})

    ((method, url, body, headers),) = pool.sent
    assert (status, answer) == (200, {"hits": {"hits": []}})
    assert (method, url, json.loads(body)) == ("POST", "https://abc.eu-west-1.aoss.amazonaws.com/cases/_search?routing=x", {"size": 1})
    assert headers["x-amz-content-sha256"] == hashlib.sha256(body).hexdigest()
    assert "/eu-west-1/aoss/aws4_request" in headers["Authorization"]
    assert "x-amz-content-sha256" in headers["Authorization"].split("SignedHeaders=")[1]
