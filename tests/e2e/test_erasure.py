"""Deleting cases and erasing customers over `make run`, as a supervisor and an admin would: the
answers, the 404s after, and CASE.DELETED / CUSTOMER.ERASED reaching the bus."""

import json
import os
import subprocess
import sys

import pytest

from tests.e2e.local_runner import REPO_ROOT

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def admin(casetrail):
    completed = subprocess.run(
        [sys.executable, "-m", "casetrail.admin", "--local", "issue-key", "--tenant", "demo", "--name", "Privacy officer", "--role", "admin"],
        cwd=REPO_ROOT,
        env={**os.environ, "MOTO_PORT": str(casetrail.moto_port), "PYTHONPATH": "functions:."},
        capture_output=True,
        text=True,
        check=True,
    )
    return casetrail.as_caller(json.loads(completed.stdout)["apiKey"])


def test_a_supervisor_deletes_a_case_and_every_consumer_is_told(casetrail):
    case_id = casetrail.call("POST", "/cases", {"title": "Opened by mistake", "customerId": "cust-2", "priority": "low"}).body["caseId"]
    call = {"contactId": "ct-e2e-erase", "channel": "CHAT", "direction": "INBOUND", "initiatedAt": "2026-12-01T09:00:00Z"}
    item = casetrail.call("POST", f"/cases/{case_id}/related-items", {"type": "contact", "content": call}).body["relatedItemId"]

    assert casetrail.call("DELETE", f"/cases/{case_id}/related-items/{item}?reason=wrong%20case").status == 204
    deleted = casetrail.call("DELETE", f"/cases/{case_id}?reason=opened%20by%20mistake")

    assert deleted.status == 200 and deleted.body["status"] == "deleted" and deleted.body["removed"]["cases"] == 1
    assert casetrail.call("GET", f"/cases/{case_id}").status == 404
    assert casetrail.call("GET", f"/cases/{case_id}/timeline").status == 404
    (event,) = casetrail.wait_for_events(lambda e: e["eventType"] == "CASE.DELETED" and e.get("caseId") == case_id)
    assert event["reason"] == "opened by mistake" and "case" not in event


def test_an_admin_erases_a_customer_and_asking_again_answers_the_report(casetrail, admin):
    assert casetrail.call("POST", "/customers", {"customerId": "cust-e2e-leaver", "name": "Lea Leaver"}).status == 201
    cases = [casetrail.call("POST", "/cases", {"title": f"Leaving {n}", "customerId": "cust-e2e-leaver", "priority": "low"}).body["caseId"] for n in range(2)]

    assert casetrail.call("POST", "/customers/cust-e2e-leaver/erase").status == 403  # a supervisor
    erased = admin.call("POST", "/customers/cust-e2e-leaver/erase")

    assert erased.status == 200 and erased.body["status"] == "erased" and erased.body["casesDeleted"] == 2
    assert erased.body["removed"]["customers"] == 1 and erased.body.get("dataLake") is None  # no lake in make run
    assert all(casetrail.call("GET", f"/cases/{case_id}").status == 404 for case_id in cases)
    assert casetrail.call("GET", "/customers/cust-e2e-leaver").status == 404
    assert admin.call("POST", "/customers/cust-e2e-leaver/erase").body == erased.body
    assert casetrail.wait_for_events(lambda e: e["eventType"] == "CUSTOMER.ERASED" and e.get("customerId") == "cust-e2e-leaver")


def test_an_admin_sets_the_retention_period(casetrail, admin):
    assert casetrail.call("PUT", "/retention", {"closedCaseDays": 30}).status == 403
    assert admin.call("PUT", "/retention", {"closedCaseDays": 3650}).body == {"closedCaseDays": 3650}
    assert casetrail.call("GET", "/retention").body == {"closedCaseDays": 3650}
    assert admin.call("PUT", "/retention", {"closedCaseDays": 0}).status == 422
