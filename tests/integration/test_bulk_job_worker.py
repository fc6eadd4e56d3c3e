"""Bulk jobs go on without the client: each part's save writes its BULK_JOB.PROGRESSED event (the
outbox) and the worker, fed by it through the real handler, runs the next part as the job's starter."""

import pytest

from casetrail.store import keys
from casetrail.store.dynamo import Table
from tests.conftest import TEST_ENVIRONMENT
from tests.integration.api_client import ApiClient
from tests.integration.notification_support import sqs_event
from tests.lambda_context import FakeLambdaContext

pytestmark = pytest.mark.usefixtures("aws")


@pytest.fixture
def supervisor(monkeypatch) -> ApiClient:
    from casetrail.handlers import bulk_job_worker
    from casetrail.service import bulk_changes

    monkeypatch.setattr(bulk_changes, "ITEMS_PER_REQUEST", 2)
    monkeypatch.setattr(bulk_changes, "_PAGE", 2)
    bulk_job_worker.bulk_change_service.cache_clear()
    client = ApiClient(principal_id="p-demo-sup", name="Sam Supervisor", role="supervisor")
    client.create_customer({"customerId": "cust-1", "name": "Dana"})
    for n in range(5):
        client.create_case({"title": f"r{n}", "customerId": "cust-1", "queue": "returns"})
    return client


def start(supervisor: ApiClient) -> str:
    started = supervisor.request("create_case", path="/cases/bulk", body={"filter": {"queue": "returns"}, "patch": {"queue": "refunds"}}, headers={"Idempotency-Key": None})
    assert started.status == 202, started.body
    return started.body["jobId"]


def progress_event(job_id: str, part: int) -> dict:
    """The BULK_JOB.PROGRESSED detail the part's save wrote to the outbox (the publisher relays it)."""
    return Table(TEST_ENVIRONMENT["CASES_TABLE_NAME"]).get(keys.bulk_job_event_item("demo", job_id, part))["change"]


def work(detail: dict) -> dict:
    from casetrail.handlers.bulk_job_worker import handler

    return handler(sqs_event(detail), FakeLambdaContext())


def job(supervisor: ApiClient, job_id: str) -> dict:
    return supervisor.request("get_case", path=f"/cases/bulk/{job_id}").body


def test_a_job_runs_to_the_end_on_its_own_events_as_the_supervisor_who_started_it(supervisor):
    # Given a job whose first part the request ran (2 of 5 cases)
    job_id = start(supervisor)
    first = progress_event(job_id, 1)
    assert (first["eventType"], first["status"], first["part"], first["processed"]) == ("BULK_JOB.PROGRESSED", "running", 1, 2)

    # When the worker receives each part's event in turn, the client calling nothing
    assert work(first) == {"batchItemFailures": []}
    assert job(supervisor, job_id)["processed"] == 4
    work(progress_event(job_id, 2))

    # Then the job is done, every case moved, each change audited as the supervisor's
    done = job(supervisor, job_id)
    assert (done["status"], done["part"], done["processed"], done["counts"]) == ("done", 3, 5, {"done": 5})
    assert progress_event(job_id, 3)["status"] == "done"
    moved = supervisor.list_cases(queue="refunds").body["items"]
    assert len(moved) == 5
    last = supervisor.audit(moved[0]["caseId"]).body["items"][-1]
    assert last["performedBy"]["principalId"] == "p-demo-sup"
    # ... and the done event starts nothing
    assert work(progress_event(job_id, 3)) == {"batchItemFailures": []} and job(supervisor, job_id)["part"] == 3


def test_a_redelivered_event_runs_its_part_once(supervisor):
    job_id = start(supervisor)
    event = progress_event(job_id, 1)

    work(event)
    work(event)

    assert (job(supervisor, job_id)["part"], job(supervisor, job_id)["processed"]) == (2, 4)


def test_a_client_continue_still_works_and_the_worker_then_skips_the_part_it_ran(supervisor):
    job_id = start(supervisor)

    answer = supervisor.request("create_case", path=f"/cases/bulk/{job_id}/continue", body=None, headers={"Idempotency-Key": None})
    work(progress_event(job_id, 1))  # the event of the part before: the client got there first

    assert answer.status == 202 and answer.body["processed"] == 4
    assert job(supervisor, job_id)["processed"] == 4
    work(progress_event(job_id, 2))
    assert job(supervisor, job_id)["status"] == "done"


def test_a_malformed_progress_event_fails_its_message(supervisor):
    job_id = start(supervisor)
    event = {**progress_event(job_id, 1), "part": "first"}

    assert work(event) == {"batchItemFailures": [{"itemIdentifier": "message-0"}]}


def test_a_task_job_goes_on_too(supervisor):
    for n in range(3):
        assert supervisor.create_task({"name": f"Call back {n}", "queue": "returns"}).status == 201
    started = supervisor.request("create_case", path="/tasks/bulk", body={"filter": {"queue": "returns"}, "patch": {"queue": "emea"}}, headers={"Idempotency-Key": None})
    assert started.status == 202
    job_id = started.body["jobId"]

    work(progress_event(job_id, 1))

    done = supervisor.request("get_case", path=f"/tasks/bulk/{job_id}").body
    assert (done["status"], done["processed"]) == ("done", 3)
    assert len(supervisor.list_tasks(queue="emea").body["items"]) == 3
