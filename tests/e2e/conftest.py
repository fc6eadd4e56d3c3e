"""The runner every end-to-end test of a module drives, and a check after each test that its event
path still flows: the API answering proves nothing about the stream, the bus and the consumers,
which can go quiet while every request still succeeds."""

import json
import os
import subprocess
import sys

import pytest

from tests.e2e.local_runner import EVENT_TIMEOUT_SECONDS, REPO_ROOT, Runner, local_runner

PROBE_TENANT = "e2e-probe"


@pytest.fixture(scope="module")
def casetrail():
    """One runner for the tests of a module, with two more customers beside the demo one."""
    with local_runner() as runner:
        for customer_id in ("cust-2", "cust-3"):  # cust-1 is the runner's demo customer
            assert runner.call("POST", "/customers", {"customerId": customer_id, "name": "E2E"}).status == 201
        yield runner


class EventPathProbe:
    """A case of a tenant of its own (so no test sees its events or counts its cases), changed after
    each test: the change's event must reach the bus, as every change must."""

    def __init__(self, runner: Runner):
        self._runner = runner
        self.client = runner.as_caller(self._issue_key())
        assert self.client.call("POST", "/customers", {"customerId": "probe", "name": "Probe"}).status == 201
        created = self.client.call("POST", "/cases", {"title": "Event path probe", "customerId": "probe", "priority": "low"})
        assert created.status == 201, created.body
        self.case_id, self.version = created.body["caseId"], 1

    def _issue_key(self) -> str:
        """With the admin command, as a developer adds a tenant to `make run`."""

        def admin(*arguments: str) -> dict:
            completed = subprocess.run(
                [sys.executable, "-m", "casetrail.admin", "--local", *arguments],
                cwd=REPO_ROOT,
                env={**os.environ, "MOTO_PORT": str(self._runner.moto_port), "PYTHONPATH": "functions:."},
                capture_output=True,
                text=True,
                check=True,
            )
            return json.loads(completed.stdout)

        admin("create-tenant", PROBE_TENANT, "--name", "E2E event path probe")
        return admin("issue-key", "--tenant", PROBE_TENANT, "--name", "Probe", "--role", "supervisor")["apiKey"]

    def assert_events_flow(self, after: str) -> None:
        changed = self.client.call(
            "PATCH", f"/cases/{self.case_id}", {"description": f"after {after}"}, headers={"If-Match": str(self.version)}
        )
        assert changed.status == 200, f"the probe case could not be changed after {after}: {changed.body}"
        self.version = changed.body["version"]
        version = self.version

        def is_the_change(event: dict) -> bool:
            return event["caseId"] == self.case_id and event.get("caseVersion") == version

        if not self.client.wait_for_events(is_the_change):
            pytest.fail(
                f"The event path went quiet: a change made after {after} (case {self.case_id} version {version}) "
                f"did not reach the bus (GET /events/recent) within {EVENT_TIMEOUT_SECONDS} s, while the API "
                "still answers. Every change after it would be lost to the consumers too. Runner output:\n"
                + self._runner.output()[-5000:],
                pytrace=False,
            )


# One probe per runner (a module's, or a test's own), keyed by the runner's identity; the runner is
# kept with it, so that identity is never reused while the entry exists.
_probes: dict[int, tuple[Runner, EventPathProbe]] = {}


@pytest.fixture(autouse=True)
def the_event_path_still_flows(request):
    """After each test that drove a runner (its `casetrail` fixture): one more change, whose event
    must arrive. The runner is requested here first, so it is still running at this teardown."""
    runner = request.getfixturevalue("casetrail") if "casetrail" in request.fixturenames else None
    yield
    if runner is not None:
        if id(runner) not in _probes:
            _probes[id(runner)] = (runner, EventPathProbe(runner))
        _probes[id(runner)][1].assert_events_flow(after=request.node.name)
