"""Promises about concurrent writes, kept over HTTP on the local runner (requests really run in
parallel there: each is a thread of the HTTP adapter, only moto's own calls are serialised)."""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.e2e.local_runner import local_runner

pytestmark = pytest.mark.e2e

PARALLEL_COMMENTS = 20
CONSUMER_TIMEOUT_SECONDS = 15


@pytest.fixture
def casetrail():
    # One runner per test: the runner's moto stops streaming after a cancelled transaction (being
    # fixed in local/), and the parallel comments cancel many, which would starve the SLA test.
    with local_runner() as runner:
        yield runner


def test_twenty_parallel_comments_on_one_case_are_all_accepted_with_gap_free_versions(casetrail):
    # Given a case (low priority: no SLA, so only the comments write it)
    case_id = casetrail.call("POST", "/cases", {"title": "Busy case", "customerId": "cust-1", "priority": "low"}).body["caseId"]

    # When 20 agents add a note to it at the same moment, none with an If-Match
    def comment(n: int):
        return casetrail.call("POST", f"/cases/{case_id}/related-items", {"type": "comment", "content": {"body": f"note {n}"}})

    with ThreadPoolExecutor(max_workers=PARALLEL_COMMENTS) as pool:
        replies = list(pool.map(comment, range(PARALLEL_COMMENTS)))

    # Then every note is accepted, and the case went through versions 2..21, one per note
    assert [reply.status for reply in replies] == [201] * PARALLEL_COMMENTS, [r.body for r in replies if r.status != 201]
    audit = casetrail.call("GET", f"/cases/{case_id}/audit?limit=100").body["items"]
    assert [entry["version"] for entry in audit] == list(range(1, PARALLEL_COMMENTS + 2)), [(e["action"], e["version"], e["performedBy"]["name"]) for e in audit]
    notes = {entry["relatedItemId"] for entry in audit if entry["action"] == "RELATED_ITEM.CREATED"}
    assert notes == {reply.body["relatedItemId"] for reply in replies}
    assert casetrail.call("GET", f"/cases/{case_id}").body["version"] == PARALLEL_COMMENTS + 1


def test_the_version_a_create_returned_survives_the_sla_consumer(casetrail):
    # Given a high-priority case, which the SLA consumer gives an SLA right after its creation
    created = casetrail.call("POST", "/cases", {"title": "Billing dispute", "customerId": "cust-1", "priority": "high"})
    assert created.status == 201 and created.headers["ETag"] == '"1"'
    case_id = created.body["caseId"]
    deadline, case = time.monotonic() + CONSUMER_TIMEOUT_SECONDS, {}
    while time.monotonic() < deadline and not case.get("slas"):
        case = casetrail.call("GET", f"/cases/{case_id}").body
        time.sleep(0.2)
    assert [sla["status"] for sla in case["slas"]] == ["Active"], "the SLA consumer never assigned the SLA"

    # When the client updates with the version the create returned
    updated = casetrail.call("PATCH", f"/cases/{case_id}", {"status": "in_progress", "assignee": "ana"}, headers={"If-Match": '"1"'})

    # Then the update applies and the SLA is kept
    assert updated.status == 200, updated.body
    assert updated.body["version"] == 2
    assert [sla["name"] for sla in casetrail.call("GET", f"/cases/{case_id}").body["slas"]] == [case["slas"][0]["name"]]
