"""Signed HTTPS to an OpenSearch Serverless collection (SigV4, service "aoss") with botocore and
urllib3, which every Lambda Python runtime already has.

Why not opensearch-py: four endpoints are used (index, get, put, search); the client and its
dependencies would add to every cold start of the API function and the package, for nothing the
few lines below do not do. botocore signs exactly as the SDKs do."""

import json
from functools import cache
from typing import Any
from urllib.parse import urlencode

import boto3
import urllib3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest

SERVICE = "aoss"
TIMEOUT = urllib3.Timeout(connect=2.0, read=8.0)


@cache
def _pool() -> urllib3.PoolManager:
    return urllib3.PoolManager(retries=urllib3.Retry(total=2, backoff_factor=0.2, status_forcelist=(502, 503, 504)), timeout=TIMEOUT)


class SignedTransport:
    def __init__(self, endpoint: str, region: str, session: boto3.Session | None = None):
        self._endpoint = endpoint.rstrip("/")
        self._region = region
        self._session = session or boto3.Session()

    def send(self, method: str, path: str, body: dict[str, Any] | None = None, params: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
        url = f"{self._endpoint}{path}" + (f"?{urlencode(params)}" if params else "")
        data = json.dumps(body).encode() if body is not None else b""
        request = AWSRequest(method=method, url=url, data=data, headers={"Content-Type": "application/json"})
        # OpenSearch Serverless requires the payload's hash as a header (it does not compute it).
        request.headers["x-amz-content-sha256"] = SigV4Auth.payload(SigV4Auth(None, SERVICE, self._region), request)
        SigV4Auth(self._session.get_credentials().get_frozen_credentials(), SERVICE, self._region).add_auth(request)
        response = _pool().request(method, url, body=data or None, headers=dict(request.headers.items()))
        text = response.data.decode() if response.data else ""
        try:
            answer = json.loads(text) if text else {}
        except ValueError:
            answer = {"error": {"type": "not_json"}}
        return response.status, answer if isinstance(answer, dict) else {"answer": answer}
