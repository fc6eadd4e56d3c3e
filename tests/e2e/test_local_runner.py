"""`make run`, driven over HTTP as a developer would: the runner starts as a subprocess, the API
answers through the emulated API Gateway and authorizer, and each change reaches the event stream."""

import json
import time
import urllib.request
from urllib.error import HTTPError

import pytest

from tests.e2e.local_runner import EVENT_TIMEOUT_SECONDS, REPO_ROOT, Reply, Runner

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def case_history(casetrail):
    """Given a case opened and then given a lower priority by the demo supervisor (low: no SLA
    policy or rule reacts, so versions 1 and 2 stay the case's only ones)."""
    created = casetrail.call("POST", "/cases", {"title": "Billing dispute", "customerId": "cust-1"})
    case_id = created.body["caseId"]
    updated = casetrail.call("PATCH", f"/cases/{case_id}", {"priority": "low"}, headers={"If-Match": '"1"'})
    return created, updated


def test_a_request_without_a_valid_api_key_is_refused(casetrail):
    for api_key in (None, "ctk_not-a-key-anyone-was-given"):
        reply = casetrail.call("GET", "/cases", api_key=api_key)

        assert reply.status == 401
        assert reply.body == {
            "status": 401,
            "code": "UNAUTHORIZED",
            "message": "A valid API key or ID token is required: Authorization: Bearer <credential>",
        }


def test_opening_a_case_answers_201_with_version_1(case_history):
    created, _ = case_history

    assert created.status == 201
    assert created.body["caseId"] and created.body["referenceNumber"]
    assert created.body["status"] == "open" and created.body["version"] == 1
    assert created.headers["ETag"] == '"1"'


def test_an_update_with_the_current_version_creates_version_2(casetrail, case_history):
    created, updated = case_history

    assert updated.status == 200
    assert updated.body["version"] == 2 and updated.body["priority"] == "low"
    read = casetrail.call("GET", f"/cases/{created.body['caseId']}")
    assert read.status == 200
    assert read.body["version"] == 2 and read.body["priority"] == "low"
    assert read.headers["ETag"] == '"2"'


def test_an_update_with_a_stale_version_is_refused_and_changes_nothing(casetrail, case_history):
    case_id = case_history[0].body["caseId"]

    reply = casetrail.call("PATCH", f"/cases/{case_id}", {"priority": "urgent"}, headers={"If-Match": "1"})

    assert reply.status in (409, 412)
    read = casetrail.call("GET", f"/cases/{case_id}")
    assert read.body["version"] == 2 and read.body["priority"] == "low"


def test_the_case_is_listed_among_open_cases(casetrail, case_history):
    case_id = case_history[0].body["caseId"]

    assert casetrail.listed("/cases?status=open", case_id)


def test_the_audit_trail_has_one_record_per_change(casetrail, case_history):
    case_id = case_history[0].body["caseId"]

    reply = casetrail.call("GET", f"/cases/{case_id}/audit")

    assert reply.status == 200
    assert [record["version"] for record in reply.body["items"]] == [1, 2]
    update = reply.body["items"][1]
    assert {"fieldId": "priority", "oldValue": "normal", "newValue": "low"} in update["changes"]


def test_both_changes_reach_the_event_stream(casetrail, case_history):
    case_id = case_history[0].body["caseId"]
    wanted = [("CASE.CREATED", 1), ("CASE.UPDATED", 2)]

    deadline, seen = time.monotonic() + EVENT_TIMEOUT_SECONDS, []
    while seen != wanted and time.monotonic() < deadline:
        items = casetrail.call("GET", "/events/recent").body["items"]
        seen = sorted(
            (event["detail"]["eventType"], event["detail"]["caseVersion"])
            for event in items
            if event["detail"]["caseId"] == case_id
        )
        time.sleep(0.2)

    assert seen == wanted
    newest = casetrail.call("GET", "/events/recent?limit=1").body["items"]
    assert [(e["detail"]["caseId"], e["detail"]["eventType"]) for e in newest] == [(case_id, "CASE.UPDATED")]
    assert newest[0]["detail"]["performedBy"]["name"] == "Demo Supervisor"


def test_the_api_documentation_is_served_without_a_key(casetrail):
    document = casetrail.call("GET", "/openapi.json", api_key=None)
    page = casetrail.call("GET", "/docs", api_key=None)
    served = casetrail.call("GET", "/docs?format=json", api_key=None)

    assert document.status == 200 and "/cases" in document.body["paths"]
    assert page.status == 200 and "SwaggerUIBundle" in page.body
    assert served.status == 200 and served.body["paths"] == document.body["paths"]


@pytest.fixture
def webhook_receiver():
    """A supervisor's webhook endpoint on this machine, recording what it receives."""
    import http.server
    import threading

    received: list[tuple[dict, bytes]] = []

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((dict(self.headers), body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *_):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/casetrail", received
    server.shutdown()


def test_a_webhook_subscriber_receives_each_change_once_signed(casetrail, webhook_receiver):
    import hashlib
    import hmac

    from casetrail.service.tenant_settings_cache import TENANT_SETTINGS_SECONDS

    url, received = webhook_receiver
    subscription = casetrail.call(
        "POST", "/subscriptions", {"target": {"type": "webhook", "url": url}, "events": ["CASE.CREATED"]}
    )
    assert subscription.status == 201
    secret = subscription.body["signingSecret"]
    time.sleep(TENANT_SETTINGS_SECONDS)  # the documented delay before a new subscription sees events (the consumer's cache)

    case_id = casetrail.call("POST", "/cases", {"title": "Card stolen", "customerId": "cust-2"}).body["caseId"]

    deadline = time.monotonic() + EVENT_TIMEOUT_SECONDS
    while time.monotonic() < deadline and not any(case_id.encode() in body for _, body in received):
        time.sleep(0.2)
    time.sleep(1)  # long enough for a duplicate delivery to show up, were there one
    deliveries = [(headers, body) for headers, body in received if case_id.encode() in body]
    assert len(deliveries) == 1
    headers, body = deliveries[0]
    timestamp, signature = (part.split("=", 1)[1] for part in headers["X-Casetrail-Signature"].split(","))
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(signature, expected)


def test_each_case_created_is_metered_once_for_the_month(casetrail):
    month = time.strftime("%Y-%m", time.gmtime())

    def metered() -> int:
        reply = casetrail.call("GET", f"/usage?month={month}")
        assert reply.status == 200, reply.body
        return reply.body["casesMetered"]

    def reconciled() -> bool:
        return casetrail.call("GET", f"/usage/{month}/reconciliation").body["reconciled"]

    deadline = time.monotonic() + EVENT_TIMEOUT_SECONDS
    while time.monotonic() < deadline and not reconciled():  # cases of earlier tests still in flight
        time.sleep(0.2)
    before = metered()

    casetrail.call("POST", "/cases", {"title": "Lost card", "customerId": "cust-3"})

    deadline = time.monotonic() + EVENT_TIMEOUT_SECONDS
    while time.monotonic() < deadline and metered() == before:
        time.sleep(0.2)
    assert metered() == before + 1
    assert reconciled()


def test_a_caller_opens_a_case_through_the_local_contact_flow_route(casetrail):
    event = json.loads((REPO_ROOT / "events" / "connect" / "create_case.json").read_text())
    event["Details"]["ContactData"]["ContactId"] = "e2e-contact-1"  # the demo customer's phone calls

    first = casetrail.call("POST", "/local/connect/create-case", event, api_key=None)
    retried = casetrail.call("POST", "/local/connect/create-case", event, api_key=None)

    assert first.status == 200 and first.body["success"] == "true"
    assert retried.body == first.body
    case = casetrail.call("GET", f"/cases/{first.body['caseId']}").body
    assert case["customerId"] == "cust-1" and case["referenceNumber"] == first.body["referenceNumber"]


def test_a_case_opened_from_the_demo_template_carries_its_fields(casetrail):
    created = casetrail.call(
        "POST", "/cases", {"title": "Refund", "customerId": "cust-1", "templateId": "refund", "fields": {"orderNumber": "A-1"}}
    )

    assert created.status == 201
    assert created.body["fields"]["orderNumber"] == "A-1" and created.body["fields"]["reason"] == "other"
    assert casetrail.listed("/cases?templateId=refund", created.body["caseId"])


def test_a_chat_transcript_mentioning_an_unauthorised_charge_makes_the_case_urgent_fraud(casetrail):
    from casetrail.service.rules import RULE_CACHE_SECONDS

    # Given the demo tenant's default fraud rule (from config/rules.json), created through the API
    fraud_rule = json.loads((REPO_ROOT / "config" / "rules.json").read_text())["demo"][0]
    rule = casetrail.call("POST", "/rules", fraud_rule)
    assert rule.status == 201, rule.body
    case_id = casetrail.call("POST", "/cases", {"title": "Card question", "customerId": "cust-3"}).body["caseId"]
    time.sleep(RULE_CACHE_SECONDS)  # the documented delay before a new rule sees events (the consumer's rule cache)

    # When a chat contact whose transcript mentions an unauthorised charge is added
    contact = {"contactId": "chat-e2e", "channel": "CHAT", "direction": "INBOUND", "initiatedAt": "2026-11-25T09:00:00Z", "transcript": "Customer: I see an unauthorised charge on my card."}
    assert casetrail.call("POST", f"/cases/{case_id}/related-items", {"type": "contact", "content": contact}).status == 201

    # Then the rule makes it an urgent fraud case for the fraud queue
    deadline = time.monotonic() + EVENT_TIMEOUT_SECONDS
    case = {}
    while time.monotonic() < deadline and case.get("priority") != "urgent":
        case = casetrail.call("GET", f"/cases/{case_id}").body
        time.sleep(0.3)
    assert (case["priority"], case["category"], case["queue"]) == ("urgent", "fraud", "fraud")
    audit = casetrail.call("GET", f"/cases/{case_id}/audit").body["items"]
    (made_urgent,) = [
        entry for entry in audit if {"fieldId": "priority", "oldValue": "normal", "newValue": "urgent"} in entry["changes"]
    ]
    assert made_urgent["performedBy"]["name"] == f"rule:{fraud_rule['name']}"
    # ...and, now urgent, the case is given the urgent SLA policy's clock
    deadline = time.monotonic() + EVENT_TIMEOUT_SECONDS
    while time.monotonic() < deadline and not case.get("nextSlaBreachAt"):
        case = casetrail.call("GET", f"/cases/{case_id}").body
        time.sleep(0.3)
    assert case["nextSlaBreachAt"] and [sla["status"] for sla in case["slas"]] == ["Active"]


def test_a_change_too_large_for_the_bus_reaches_the_consumers_by_claim_check(casetrail):
    # Given 30 text fields, and a case with 4,100 characters in each (124 KB, within its budget)
    field_ids = [f"big{i:02d}" for i in range(30)]
    for field_id in field_ids:
        assert casetrail.call("POST", "/fields", {"fieldId": field_id, "name": field_id, "type": "text"}).status == 201
    created = casetrail.call("POST", "/cases", {"title": "Big", "customerId": "cust-2", "fields": {f: "a" * 4_100 for f in field_ids}})
    assert created.status == 201, created.body
    case_id = created.body["caseId"]

    # When one PATCH rewrites them all and makes the case urgent (a 370 KB event: over the bus's 256 KB)
    patch = {"priority": "urgent", "fields": {f: "b" * 4_100 for f in field_ids}}
    assert casetrail.call("PATCH", f"/cases/{case_id}", patch, headers={"If-Match": '"1"'}).status == 200

    # Then the bus carries it trimmed, with a claim check to its full detail
    deadline, updated = time.monotonic() + EVENT_TIMEOUT_SECONDS, []
    while not updated and time.monotonic() < deadline:
        items = casetrail.call("GET", "/events/recent?limit=50").body["items"]
        updated = [e["detail"] for e in items if e["detail"]["caseId"] == case_id and e["detail"]["caseVersion"] == 2]
        time.sleep(0.2)
    assert updated and updated[0]["eventType"] == "CASE.UPDATED"
    assert "case" not in updated[0] and updated[0]["claimCheck"]["bytes"] > 256 * 1024
    # ...and the SLA consumer, reading the full detail, gives the now urgent case its clock
    case = {}
    while time.monotonic() < deadline + EVENT_TIMEOUT_SECONDS and not case.get("nextSlaBreachAt"):
        case = casetrail.call("GET", f"/cases/{case_id}").body
        time.sleep(0.3)
    assert case["nextSlaBreachAt"]


def test_a_refused_duplicate_phone_does_not_stop_later_changes_reaching_the_bus(casetrail):
    # Given a customer with a phone
    first = casetrail.call("POST", "/customers", {"customerId": "phone-1", "name": "First", "phone": "+15550001111"})
    assert first.status == 201

    # When another customer is given the same phone: refused, its transaction cancelled
    duplicate = casetrail.call("POST", "/customers", {"customerId": "phone-2", "name": "Second", "phone": "+15550001111"})
    assert duplicate.status == 409

    # Then a change made after it still reaches the bus
    case_id = casetrail.call("POST", "/cases", {"title": "After a refusal", "customerId": "cust-2", "priority": "low"}).body["caseId"]
    created = casetrail.wait_for_events(lambda event: event["caseId"] == case_id and event["eventType"] == "CASE.CREATED")
    assert created, "the case created after a refused transaction never reached the bus: the event path went quiet"


def test_of_claims_of_one_task_at_once_one_wins_and_only_its_claim_is_published(casetrail):
    from concurrent.futures import ThreadPoolExecutor

    # Given a queued task on a case
    case_id = casetrail.call("POST", "/cases", {"title": "Call back", "customerId": "cust-2", "priority": "low"}).body["caseId"]
    task = casetrail.call("POST", f"/cases/{case_id}/tasks", {"name": "Call back", "queue": "billing"})
    assert task.status == 201, task.body
    task_id = task.body["taskId"]

    # When eight claims of it arrive at once: the losers' transactions are cancelled on the task's version
    with ThreadPoolExecutor(max_workers=8) as pool:
        claims = list(pool.map(lambda _: casetrail.call("POST", f"/tasks/{task_id}/claim"), range(8)))

    # Then one wins, and after a later change of the case reaches the bus...
    assert sorted(claim.status for claim in claims) == [200] + [409] * 7, [claim.body for claim in claims]
    version = casetrail.call("GET", f"/cases/{case_id}").body["version"]
    later = casetrail.call("PATCH", f"/cases/{case_id}", {"description": "after the claims"}, headers={"If-Match": str(version)})
    assert later.status == 200, later.body
    arrived = casetrail.wait_for_events(
        lambda event: event["caseId"] == case_id and event["eventType"] == "CASE.UPDATED" and event["caseVersion"] == version + 1
    )
    assert arrived, "the change made after the claims never reached the bus: the event path went quiet"
    # ...the bus has carried exactly one claim: the winner's (never a rolled-back one)
    published = [event for event in casetrail.recent_events() if event["eventType"] == "TASK.ASSIGNED" and event.get("taskId") == task_id]
    assert [event["taskVersion"] for event in published] == [2]


def _sign_in(casetrail: Runner, email: str, password: str = "Casetrail-demo-1") -> Reply:
    """What the workspace does: InitiateAuth against the app client at config.json's cognitoEndpoint."""
    config = casetrail.call("GET", "/config.json", api_key=None).body
    request = urllib.request.Request(
        config["cognitoEndpoint"],
        method="POST",
        data=json.dumps(
            {"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": config["userPoolClientId"], "AuthParameters": {"USERNAME": email, "PASSWORD": password}}
        ).encode(),
        headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return Reply(response.status, response.headers, json.loads(response.read()))
    except HTTPError as error:
        return Reply(error.code, error.headers, json.loads(error.read()))


def test_the_demo_agent_signs_in_and_the_api_knows_her(casetrail):
    signed_in = _sign_in(casetrail, "agent@example.com")
    assert signed_in.status == 200
    id_token = signed_in.body["AuthenticationResult"]["IdToken"]

    me = casetrail.call("GET", "/users/me", api_key=id_token)

    assert me.status == 200
    assert me.body | {"userId": "-"} == {"userId": "-", "name": "Ana Agent", "email": "agent@example.com", "role": "agent", "active": True,
                                              "queues": ["billing", "refunds", "claims"]}
    people = casetrail.call("GET", "/users", api_key=id_token).body["items"]
    assert sorted(p["email"] for p in people) >= ["agent@example.com", "supervisor@example.com"]


def test_a_case_she_takes_is_hers_and_performed_by_a_user(casetrail):
    id_token = _sign_in(casetrail, "agent@example.com").body["AuthenticationResult"]["IdToken"]
    me = casetrail.call("GET", "/users/me", api_key=id_token).body

    created = casetrail.call("POST", "/cases", {"title": "Mine", "customerId": "cust-2", "assignee": "me"}, api_key=id_token)

    assert created.status == 201 and created.body["assignee"] == me["userId"]
    audit = casetrail.call("GET", f"/cases/{created.body['caseId']}/audit", api_key=id_token).body["items"]
    assert audit[0]["performedBy"] == {"principalId": me["userId"], "name": "Ana Agent", "role": "agent", "kind": "user"}


def test_a_wrong_password_gets_no_token_and_the_admin_operations_are_not_served(casetrail):
    assert _sign_in(casetrail, "agent@example.com", password="Not-the-password-1").status == 400
    config = casetrail.call("GET", "/config.json", api_key=None).body
    request = urllib.request.Request(
        config["cognitoEndpoint"],
        method="POST",
        data=json.dumps({"UserPoolId": config["userPoolId"], "Username": "eve@example.com"}).encode(),
        headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSCognitoIdentityProviderService.AdminCreateUser"},
    )
    with pytest.raises(HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 400


def test_the_workspace_origin_may_call_the_api_and_read_the_etag(casetrail, case_history):
    case_id = case_history[0].body["caseId"]
    origin = "http://localhost:5173"  # cdk.json's casetrail:allowedOrigins

    preflight = casetrail.call("OPTIONS", f"/cases/{case_id}", api_key=None, headers={"Origin": origin, "Access-Control-Request-Method": "PATCH"})
    read = casetrail.call("GET", f"/cases/{case_id}", headers={"Origin": origin})
    refused = casetrail.call("GET", f"/cases/{case_id}", api_key="ctk_not-a-key-anyone-was-given", headers={"Origin": origin})
    foreign = casetrail.call("GET", f"/cases/{case_id}", headers={"Origin": "https://evil.example.com"})

    assert preflight.status == 204 and preflight.headers["Access-Control-Allow-Origin"] == origin
    assert "If-Match" in preflight.headers["Access-Control-Allow-Headers"]
    assert read.headers["Access-Control-Allow-Origin"] == origin and "ETag" in read.headers["Access-Control-Expose-Headers"]
    assert refused.status == 401 and refused.headers["Access-Control-Allow-Origin"] == origin
    assert foreign.headers.get("Access-Control-Allow-Origin") is None
