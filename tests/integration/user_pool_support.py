"""A user pool on moto (in process) as `make run` provisions it, people invited into tenants with the
admin commands' own service, and moto's JWKS served over HTTP (PyJWKClient fetches a URL, which the
in-process mock does not intercept). Signing with moto's private key is for tests only: it is how a
test builds an expired or a tampered token that is otherwise correctly signed."""

import json
import threading
from dataclasses import dataclass
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import jwt
from moto.utilities.utils import load_resource  # moto ships its keys gzipped

PASSWORD = "Casetrail-test-1"


class JwksServer:
    """Serves moto's public signing keys at any path, as Cognito serves a pool's."""

    def __init__(self):
        body = json.dumps(load_resource("cognitoidp/resources/jwks-public.json")).encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url_for(self, user_pool_id: str) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/{user_pool_id}/.well-known/jwks.json"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()


@dataclass(frozen=True)
class Pool:
    user_pool_id: str
    client_id: str

    def sign_in(self, email: str, password: str = PASSWORD, client_id: str | None = None) -> dict:
        return boto3.client("cognito-idp").initiate_auth(
            ClientId=client_id or self.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": email, "PASSWORD": password},
        )["AuthenticationResult"]


@cache
def moto_private_key():
    return jwt.PyJWK(load_resource("cognitoidp/resources/jwks-private.json")).key
