"""People sign in: the authorizer accepts a Cognito ID token of our pool and client, signed with the
pool's keys, unexpired, of an active user, and nothing else; the user's principal then acts in the API
(on moto: the pool in process, its JWKS over HTTP)."""

import base64
import hashlib
import hmac
import json
import time

import boto3
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from moto.utilities.utils import load_resource

from casetrail.domain.users import UserRole
from tests.conftest import load_event
from tests.integration.api_client import ApiClient
from tests.integration.user_pool_support import PASSWORD, JwksServer, Pool, moto_private_key
from tests.lambda_context import FakeLambdaContext

pytestmark = pytest.mark.usefixtures("aws")


@pytest.fixture(scope="module")
def jwks_server():
    with JwksServer() as server:
        yield server


@pytest.fixture
def pool(aws, jwks_server, monkeypatch):
    """Given the pool as `make run` provisions it, tenants demo and acme, and their people."""
    from casetrail.handlers import authorizer
    from casetrail.settings import get_settings
    from local.user_pool import provision_user_pool

    cognito = boto3.client("cognito-idp")
    local_pool = provision_user_pool(cognito)
    monkeypatch.setenv("USER_POOL_ID", local_pool.user_pool_id)
    monkeypatch.setenv("USER_POOL_CLIENT_ID", local_pool.client_id)
    monkeypatch.setenv("USER_POOL_JWKS_URL", jwks_server.url_for(local_pool.user_pool_id))
    for cached in (get_settings, authorizer._verifier, authorizer._users, authorizer._access):
        cached.cache_clear()
    people = administration(local_pool.user_pool_id)
    access = people._access
    access.create_tenant("demo", "Demo")
    access.create_tenant("acme", "Acme")
    people.invite("demo", email="ana@example.com", name="Ana Agent", role=UserRole.AGENT, permanent_password=PASSWORD)
    people.invite("demo", email="sam@example.com", name="Sam Supervisor", role=UserRole.SUPERVISOR, permanent_password=PASSWORD)
    people.invite("acme", email="olga@acme.example", name="Olga Acme", role=UserRole.SUPERVISOR, permanent_password=PASSWORD)
    yield Pool(local_pool.user_pool_id, local_pool.client_id)
    for cached in (get_settings, authorizer._verifier, authorizer._users, authorizer._access):
        cached.cache_clear()


def administration(user_pool_id: str):
    from casetrail.outbound.user_pool import CognitoUserPool
    from casetrail.service.people import PeopleAdministration
    from casetrail.settings import get_settings
    from casetrail.store.access import AccessRepository
    from casetrail.store.dynamo import Table
    from casetrail.store.users import UserRepository

    settings = get_settings()
    return PeopleAdministration(
        CognitoUserPool(boto3.client("cognito-idp"), user_pool_id),
        UserRepository(Table(settings.users_table_name)),
        AccessRepository(Table(settings.access_table_name)),
    )


def authorize(token: str) -> dict:
    from casetrail.handlers.authorizer import handler

    event = load_event("authorizer/token.json")
    event["authorizationToken"] = f"Bearer {token}"
    return handler(event, FakeLambdaContext())


def refused(token: str) -> bool:
    try:
        authorize(token)
    except Exception as error:
        return str(error) == "Unauthorized"
    return False


def api_as(token: str) -> ApiClient:
    """The API, called with what API Gateway passes on once the authorizer has accepted the token."""
    client = ApiClient()
    client.authorizer = authorize(token)["context"]
    return client


def claims_of(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def signed(claims: dict, key=None) -> str:
    return jwt.encode(claims, key or moto_private_key(), algorithm="RS256", headers={"kid": "dummy"})


def test_a_users_id_token_reaches_the_api_as_that_user(pool):
    id_token = pool.sign_in("ana@example.com")["IdToken"]
    ana = claims_of(id_token)["sub"]

    context = authorize(id_token)["context"]
    me = api_as(id_token).request("list_cases", path="/users/me", query={})

    assert context == {"tenantId": "demo", "principalId": ana, "name": "Ana Agent", "role": "agent", "kind": "user"}
    assert me.status == 200
    assert me.body == {"userId": ana, "name": "Ana Agent", "email": "ana@example.com", "role": "agent", "active": True, "queues": []}


def test_the_highest_group_is_the_role(pool):
    boto3.client("cognito-idp").admin_add_user_to_group(UserPoolId=pool.user_pool_id, Username="ana@example.com", GroupName="supervisor")

    assert authorize(pool.sign_in("ana@example.com")["IdToken"])["context"]["role"] == "supervisor"


def test_an_expired_token_is_refused(pool):
    claims = claims_of(pool.sign_in("ana@example.com")["IdToken"])
    past = int(time.time()) - 3600

    assert refused(signed({**claims, "iat": past - 3600, "exp": past}))


def test_a_token_signed_with_another_key_is_refused(pool):
    claims = claims_of(pool.sign_in("ana@example.com")["IdToken"])
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    assert refused(signed(claims, key=stranger))


def test_a_token_claiming_no_algorithm_or_a_shared_secret_is_refused(pool):
    claims = claims_of(pool.sign_in("ana@example.com")["IdToken"])
    unsigned = jwt.encode(claims, None, algorithm="none", headers={"kid": "dummy"})
    # HS256 "signed" with the pool's public key, the classic confusion when a verifier trusts the header.
    hmac_header = base64.urlsafe_b64encode(b'{"alg":"HS256","kid":"dummy","typ":"JWT"}').rstrip(b"=").decode()
    payload = unsigned.split(".")[1]
    public_key = json.dumps(load_resource("cognitoidp/resources/jwks-public.json")["keys"][0]).encode()
    mac = base64.urlsafe_b64encode(hmac.new(public_key, f"{hmac_header}.{payload}".encode(), hashlib.sha256).digest()).rstrip(b"=").decode()

    assert refused(unsigned)
    assert refused(f"{hmac_header}.{payload}.{mac}")


def test_a_token_of_another_pool_is_refused(pool):
    from local.user_pool import provision_user_pool

    cognito = boto3.client("cognito-idp")
    other = provision_user_pool(cognito)
    cognito.admin_create_user(
        UserPoolId=other.user_pool_id,
        Username="ana@example.com",
        UserAttributes=[{"Name": "email", "Value": "ana@example.com"}, {"Name": "name", "Value": "Ana Agent"}, {"Name": "custom:tenant", "Value": "demo"}],
        MessageAction="SUPPRESS",
    )
    cognito.admin_set_user_password(UserPoolId=other.user_pool_id, Username="ana@example.com", Password=PASSWORD, Permanent=True)
    cognito.admin_add_user_to_group(UserPoolId=other.user_pool_id, Username="ana@example.com", GroupName="agent")

    # moto signs every pool's tokens with the same key: only the issuer tells them apart.
    assert refused(Pool(other.user_pool_id, other.client_id).sign_in("ana@example.com")["IdToken"])


def test_a_token_for_another_app_client_is_refused(pool):
    other_client = boto3.client("cognito-idp").create_user_pool_client(
        UserPoolId=pool.user_pool_id, ClientName="another-app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]

    assert refused(pool.sign_in("ana@example.com", client_id=other_client)["IdToken"])


def test_an_access_token_is_not_an_id_token(pool):
    tokens = pool.sign_in("ana@example.com")
    # Even when it would carry everything an ID token does, its token_use says what it is for.
    as_id = {**claims_of(tokens["IdToken"]), "token_use": "access"}

    assert refused(tokens["AccessToken"])
    assert refused(signed(as_id))


def test_a_disabled_user_is_refused_though_their_token_is_unexpired(pool):
    id_token = pool.sign_in("ana@example.com")["IdToken"]
    assert authorize(id_token)["context"]["kind"] == "user"

    administration(pool.user_pool_id).disable("demo", "ana@example.com")

    assert refused(id_token)
    with pytest.raises(Exception, match="User is disabled"):
        pool.sign_in("ana@example.com")


def test_a_token_whose_tenant_was_changed_is_refused(pool):
    header, payload, signature = pool.sign_in("ana@example.com")["IdToken"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    tampered = base64.urlsafe_b64encode(json.dumps({**claims, "custom:tenant": "acme"}).encode()).rstrip(b"=").decode()

    assert refused(f"{header}.{tampered}.{signature}")


def test_a_validly_signed_token_naming_a_tenant_the_user_is_not_in_is_refused(pool):
    # Defence in depth: even a correctly signed claim must match the users table.
    claims = claims_of(pool.sign_in("ana@example.com")["IdToken"])

    assert refused(signed({**claims, "custom:tenant": "acme"}))


def test_a_token_without_a_role_group_is_refused(pool):
    boto3.client("cognito-idp").admin_remove_user_from_group(UserPoolId=pool.user_pool_id, Username="ana@example.com", GroupName="agent")

    assert refused(pool.sign_in("ana@example.com")["IdToken"])


def test_a_user_of_one_tenant_sees_nothing_of_another(pool):
    sam = api_as(pool.sign_in("sam@example.com")["IdToken"])
    sam.create_customer({"customerId": "cust-1", "name": "Dana"})
    case_id = sam.create_case({"title": "Demo's case", "customerId": "cust-1"}).body["caseId"]
    olga = api_as(pool.sign_in("olga@acme.example")["IdToken"])

    assert olga.get_case(case_id).status == 404
    assert olga.list_cases().body["items"] == []
    assert [u["email"] for u in olga.request("list_cases", path="/users", query={}).body["items"]] == ["olga@acme.example"]
    assert olga.patch_case(case_id, {"priority": "low"}, if_match="1").status == 404


def test_an_agent_cannot_do_what_only_supervisors_may(pool):
    ana = api_as(pool.sign_in("ana@example.com")["IdToken"])
    sam = api_as(pool.sign_in("sam@example.com")["IdToken"])

    assert ana.request("get_usage", query={"month": "2026-11"}).status == 403
    assert ana.create_task_template({"name": "Callback", "fields": {}}).status == 403
    assert sam.request("get_usage", query={"month": "2026-11"}).status == 200


def test_a_name_longer_than_a_principal_holds_is_shortened_not_a_failure(pool):
    long_name = "Ana " + "Maria " * 60  # a person may edit their own name (the client may write it)
    boto3.client("cognito-idp").admin_update_user_attributes(
        UserPoolId=pool.user_pool_id, Username="ana@example.com", UserAttributes=[{"Name": "name", "Value": long_name}]
    )

    assert authorize(pool.sign_in("ana@example.com")["IdToken"])["context"]["name"] == long_name[:128]


# The queues a person works: given by an admin (casetrail-admin), read by their workspace.


def test_an_invited_persons_queues_are_theirs_in_users_me(pool):
    administration(pool.user_pool_id).invite(
        "demo", email="ben@example.com", name="Ben Agent", role=UserRole.AGENT, permanent_password=PASSWORD, queues=["billing", " refunds", "billing", ""]
    )

    me = api_as(pool.sign_in("ben@example.com")["IdToken"]).request("list_cases", path="/users/me", query={})

    assert me.status == 200
    assert me.body["queues"] == ["billing", "refunds"]


def test_the_admin_command_replaces_a_persons_queues(pool):
    from casetrail.admin import _parser, run_people

    arguments = _parser().parse_args(["--local", "set-user-queues", "--tenant", "demo", "--email", "ana@example.com", "--queues", "claims,fraud"])
    printed = run_people(arguments, administration(pool.user_pool_id))
    sam = api_as(pool.sign_in("sam@example.com")["IdToken"])

    assert printed["queues"] == ["claims", "fraud"]
    assert api_as(pool.sign_in("ana@example.com")["IdToken"]).request("list_cases", path="/users/me", query={}).body["queues"] == ["claims", "fraud"]
    listed = {u["email"]: u["queues"] for u in sam.request("list_cases", path="/users", query={}).body["items"]}
    assert listed == {"ana@example.com": ["claims", "fraud"], "sam@example.com": []}


def test_a_queue_name_that_is_no_queue_is_refused_and_nothing_changes(pool):
    from casetrail.admin import _parser, run_people

    people = administration(pool.user_pool_id)
    people.set_queues("demo", "ana@example.com", ["billing"])
    for command in (
        ["set-user-queues", "--tenant", "demo", "--email", "ana@example.com", "--queues", "billing,bad#queue"],
        ["invite-user", "--tenant", "demo", "--email", "eve@example.com", "--name", "Eve", "--role", "agent", "--queues", "a b"],
    ):
        with pytest.raises(SystemExit, match="invalid queues"):
            run_people(_parser().parse_args(["--local", *command]), people)

    assert api_as(pool.sign_in("ana@example.com")["IdToken"]).request("list_cases", path="/users/me", query={}).body["queues"] == ["billing"]
    with pytest.raises(Exception, match="UserNotFoundException|User does not exist"):
        pool.sign_in("eve@example.com")


def test_queues_of_a_person_of_another_tenant_cannot_be_set(pool):
    with pytest.raises(Exception, match="olga@acme.example"):
        administration(pool.user_pool_id).set_queues("demo", "olga@acme.example", ["billing"])
