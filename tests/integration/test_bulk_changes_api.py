"""Bulk changes through the real handler: per-item results, one audit record per changed item,
filters run as resumable jobs, supervisors only."""

import pytest

from tests.integration.api_client import ApiClient
from tests.integration.people import register_users

pytestmark = pytest.mark.usefixtures("aws")


@pytest.fixture
def supervisor() -> ApiClient:
    client = ApiClient(principal_id="p-demo-sup", name="Sam Supervisor", role="supervisor")
    client.create_customer({"customerId": "cust-1", "name": "Dana"})
    return client


def _open(api: ApiClient, title: str, **fields) -> dict:
    return api.create_case({"title": title, "customerId": "cust-1", **fields}).body


def _post(api: ApiClient, path: str, body: dict | None = None):
    return api.request("create_case", path=path, body=body, headers={"Idempotency-Key": None})


def _get(api: ApiClient, path: str):
    return api.request("get_case", path=path)


def test_ids_change_each_in_its_own_audited_update_and_each_gets_a_result(supervisor):
    first, second = _open(supervisor, "one"), _open(supervisor, "two")
    closed = _open(supervisor, "closed")
    supervisor.patch_case(closed["caseId"], {"status": "closed"}, '"1"')

    answer = _post(supervisor, "/cases/bulk", {
        "caseIds": [first["caseId"], second["caseId"], closed["caseId"], "no-such-case"],
        "expectedVersions": {second["caseId"]: 7},
        "patch": {"status": "in_progress", "queue": "billing", "tags": ["recall-2026"]},
    })

    assert answer.status == 200 and answer.body["status"] == "done"
    outcomes = {r["id"]: r["outcome"] for r in answer.body["results"]}
    assert outcomes == {
        first["caseId"]: "done", second["caseId"]: "versionConflict", closed["caseId"]: "invalidTransition", "no-such-case": "notFound",
    }
    assert answer.body["counts"] == {"done": 1, "versionConflict": 1, "invalidTransition": 1, "notFound": 1}
    changed = supervisor.get_case(first["caseId"]).body
    assert (changed["status"], changed["queue"], changed["tags"], changed["version"]) == ("in_progress", "billing", ["recall-2026"], 2)
    last = supervisor.audit(first["caseId"]).body["items"][-1]
    assert last["action"] == "CASE.UPDATED" and last["performedBy"]["principalId"] == "p-demo-sup"
    assert supervisor.get_case(second["caseId"]).body["version"] == 1


def test_a_case_that_already_has_the_values_is_unchanged_with_no_new_version(supervisor):
    case = _open(supervisor, "already", priority="high")

    answer = _post(supervisor, "/cases/bulk", {"caseIds": [case["caseId"]], "patch": {"priority": "high"}})

    assert answer.body["results"] == [{"id": case["caseId"], "outcome": "unchanged", "version": 1, "code": None, "message": None}]


def test_an_agent_may_not_change_in_bulk(supervisor):
    case = _open(supervisor, "one")
    agent = ApiClient()

    assert _post(agent, "/cases/bulk", {"caseIds": [case["caseId"]], "patch": {"priority": "low"}}).status == 403
    assert _post(agent, "/tasks/bulk", {"taskIds": ["t-1"], "patch": {"queue": "q"}}).status == 403


@pytest.mark.parametrize(
    "body",
    [
        {"patch": {"priority": "low"}},
        {"caseIds": ["a"], "filter": {"queue": "q"}, "patch": {"priority": "low"}},
        {"caseIds": ["a"], "patch": {}},
        {"caseIds": ["a"], "patch": {"title": "not in bulk"}},
        {"caseIds": [f"c-{n}" for n in range(101)], "patch": {"priority": "low"}},
    ],
)
def test_a_request_that_cannot_be_run_is_refused_whole(supervisor, body):
    assert _post(supervisor, "/cases/bulk", body).status == 422


def test_a_filter_is_served_as_get_cases_serves_it_from_the_search_index_too(supervisor):
    _open(supervisor, "vip", tags=["vip"])
    _open(supervisor, "plain")

    answer = _post(supervisor, "/cases/bulk", {"filter": {"tag": "vip"}, "patch": {"priority": "low"}})

    assert answer.status == 200 and answer.body["counts"] == {"done": 1}
    assert [c["title"] for c in supervisor.list_cases(priority="low").body["items"]] == ["vip"]


def test_a_filter_that_fits_in_one_request_is_answered_at_once(supervisor):
    register_users("p-7")
    for n in range(3):
        _open(supervisor, f"q{n}", queue="returns")
    _open(supervisor, "other", queue="billing")

    answer = _post(supervisor, "/cases/bulk", {"filter": {"queue": "returns"}, "patch": {"queue": "refunds", "assignee": "p-7"}})

    assert answer.status == 200 and answer.body["jobId"] is None and answer.body["counts"] == {"done": 3}
    assert len(supervisor.list_cases(queue="refunds").body["items"]) == 3
    assert len(supervisor.list_cases(queue="billing").body["items"]) == 1


def test_a_long_filter_run_is_a_job_that_reports_progress_and_is_continued(supervisor, monkeypatch):
    from casetrail.service import bulk_changes

    monkeypatch.setattr(bulk_changes, "ITEMS_PER_REQUEST", 2)
    monkeypatch.setattr(bulk_changes, "_PAGE", 2)
    for n in range(5):
        _open(supervisor, f"r{n}", queue="returns")

    started = _post(supervisor, "/cases/bulk", {"filter": {"queue": "returns"}, "patch": {"queue": "refunds"}})
    assert started.status == 202 and started.body["status"] == "running" and started.body["processed"] == 2
    job_id = started.body["jobId"]

    progress = _get(supervisor, f"/cases/bulk/{job_id}")
    assert progress.status == 200 and progress.body["processed"] == 2 and progress.body["part"] == 1
    assert progress.body["patch"] == {"queue": "refunds"} and "cursor" not in progress.body

    answers = [_post(supervisor, f"/cases/bulk/{job_id}/continue") for _ in range(3)]

    assert [a.status for a in answers] == [202, 200, 200]
    assert answers[-1].body == {**answers[-1].body, "status": "done", "processed": 5, "counts": {"done": 5}, "results": []}
    assert len(supervisor.list_cases(queue="refunds").body["items"]) == 5
    assert _get(ApiClient(), f"/cases/bulk/{job_id}").status == 403


def test_an_unknown_job_is_a_404(supervisor):
    assert _get(supervisor, "/cases/bulk/nope").status == 404
    assert _post(supervisor, "/tasks/bulk/nope/continue").status == 404


def test_a_queues_tasks_move_to_another_queue(supervisor):
    tasks = [supervisor.create_task({"name": f"Call back {n}", "queue": "callbacks"}).body for n in range(3)]

    answer = _post(supervisor, "/tasks/bulk", {"filter": {"queue": "callbacks"}, "patch": {"queue": "callbacks-emea"}})

    assert answer.status == 200 and answer.body["counts"] == {"done": 3}
    assert {t["taskId"] for t in supervisor.list_tasks(queue="callbacks-emea").body["items"]} == {t["taskId"] for t in tasks}
    assert supervisor.list_tasks(queue="callbacks").body["items"] == []


def test_tasks_by_id_report_a_stale_version(supervisor):
    task = supervisor.create_task({"name": "Call back", "queue": "callbacks"}).body

    answer = _post(supervisor, "/tasks/bulk", {"taskIds": [task["taskId"]], "expectedVersions": {task["taskId"]: 9}, "patch": {"priority": "high"}})

    assert answer.body["results"][0]["outcome"] == "versionConflict"


def test_an_id_named_twice_changes_once(supervisor):
    case = _open(supervisor, "twice")

    answer = _post(supervisor, "/cases/bulk", {"caseIds": [case["caseId"], case["caseId"]], "patch": {"priority": "low"}})

    assert [r["outcome"] for r in answer.body["results"]] == ["done"]
    assert supervisor.get_case(case["caseId"]).body["version"] == 2


def test_a_task_filter_names_an_assignee_or_a_queue(supervisor):
    answer = _post(supervisor, "/tasks/bulk", {"filter": {"status": "open"}, "patch": {"queue": "q"}})

    assert answer.status == 400 and answer.body["code"] == "INVALID_REQUEST"


def test_a_task_job_is_not_found_among_case_jobs(supervisor, monkeypatch):
    from casetrail.service import bulk_changes

    monkeypatch.setattr(bulk_changes, "ITEMS_PER_REQUEST", 1)
    monkeypatch.setattr(bulk_changes, "_PAGE", 1)
    for n in range(2):
        supervisor.create_task({"name": f"Call back {n}", "queue": "callbacks"})
    job_id = _post(supervisor, "/tasks/bulk", {"filter": {"queue": "callbacks"}, "patch": {"priority": "high"}}).body["jobId"]

    assert _get(supervisor, f"/tasks/bulk/{job_id}").body["kind"] == "tasks"
    assert _get(supervisor, f"/cases/bulk/{job_id}").status == 404


def test_a_part_ends_early_when_the_function_runs_out_of_time_and_the_job_goes_on(supervisor, monkeypatch):
    from casetrail.handlers.dependencies import bulk_change_service
    from casetrail.service import bulk_changes

    monkeypatch.setattr(bulk_changes, "_PAGE", 2)
    monkeypatch.setattr(bulk_change_service(), "_time_left", lambda: 1_000)  # below the reserve after every page
    for n in range(3):
        _open(supervisor, f"t{n}", queue="slow")

    started = _post(supervisor, "/cases/bulk", {"filter": {"queue": "slow"}, "patch": {"priority": "low"}})
    finished = _post(supervisor, f"/cases/bulk/{started.body['jobId']}/continue")

    assert (started.status, started.body["processed"]) == (202, 2)
    assert (finished.status, finished.body["processed"], finished.body["counts"]) == (200, 3, {"done": 3})
