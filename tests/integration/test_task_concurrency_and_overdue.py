"""Claims that race and the overdue sweeper, on moto, with real threads and a controllable clock."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from casetrail.domain.cases import NewCase
from casetrail.domain.errors import CasetrailError
from casetrail.domain.identity import Principal, Role
from casetrail.domain.task_statuses import TaskStatus
from casetrail.domain.tasks import NewTask, TaskPatch
from casetrail.service.cases import CaseService
from casetrail.service.tasks import TaskService
from casetrail.store.cases import CaseRepository
from casetrail.store.customers import CustomerRepository
from casetrail.store.dynamo import Table, dynamodb_client
from casetrail.store.tables import CASES_TABLE, TASKS_TABLE
from casetrail.store.keys import due_shard
from casetrail.store.tasks import TaskRepository
from tests.conftest import TEST_ENVIRONMENT, load_event
from tests.integration.api_client import ApiClient
from tests.integration.task_store import case_audit_events, task_audit_events, timeline
from tests.lambda_context import FakeLambdaContext

pytestmark = pytest.mark.usefixtures("aws")

DUE = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
ANA = Principal(tenant_id="demo", principal_id="p-ana", name="Ana", role=Role.AGENT)
BOB = Principal(tenant_id="demo", principal_id="p-bob", name="Bob", role=Role.AGENT)


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class ReadTogether(TaskRepository):
    """Holds each reader after its first read until all have read: every claimer sees the task
    unassigned, so the race is decided by the conditional write alone."""

    def __init__(self, table: Table, readers: int):
        super().__init__(table)
        self._barrier = threading.Barrier(readers, timeout=10)
        self._waited = threading.local()

    def get(self, tenant_id, task_id):
        task = super().get(tenant_id, task_id)
        if not getattr(self._waited, "done", False):
            self._waited.done = True
            self._barrier.wait()
        return task


class SweepTogether(TaskRepository):
    """Holds each sweeper after it read the due index until all have: both see the same due task."""

    def __init__(self, table: Table, barrier: threading.Barrier):
        super().__init__(table)
        self._barrier = barrier
        self._waited = False

    def due(self, tenant_id, shard, **query):
        page = super().due(tenant_id, shard, **query)
        if page.items and not self._waited:
            self._waited = True
            self._barrier.wait()
        return page


class IsolatedTable(Table):
    """DynamoDB isolates transactions (a conflicting one fails); moto checks the conditions of two
    concurrent transactions before either writes. One lock gives moto DynamoDB's serial outcome,
    while the reads before the writes still race."""

    _lock = threading.Lock()

    def transact(self, operations):
        with self._lock:
            return super().transact(operations)


def _tables():
    client = dynamodb_client()
    return (
        IsolatedTable(TEST_ENVIRONMENT[TASKS_TABLE.env_var], client),
        CaseRepository(IsolatedTable(TEST_ENVIRONMENT[CASES_TABLE.env_var], client)),
    )


def _service(clock: Clock, tasks: TaskRepository | None = None) -> TaskService:
    table, cases = _tables()
    return TaskService(tasks or TaskRepository(table), cases, clock)


def _case() -> str:
    _, cases = _tables()
    customers = CustomerRepository(Table(TEST_ENVIRONMENT[CASES_TABLE.env_var]))
    ApiClient().create_customer({"customerId": "cust-1", "name": "Customer 1"})
    return CaseService(cases, customers).create(ANA, NewCase(title="Refund", customer_id="cust-1")).case_id


def test_of_two_agents_claiming_at_once_exactly_one_wins():
    clock = Clock(DUE)
    case_id = _case()
    task_id = _service(clock).create(ANA, NewTask(name="Call back", queue="billing"), case_id=case_id).task_id
    racing = _service(clock, ReadTogether(_tables()[0], readers=2))

    def claim(agent):
        try:
            return racing.claim(agent, task_id).assignee
        except CasetrailError as error:
            return error.code

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(claim, [ANA, BOB]))

    assert outcomes.count("TASK_ALREADY_CLAIMED") == 1
    assert set(outcomes) - {"TASK_ALREADY_CLAIMED"} <= {"p-ana", "p-bob"}
    assert [e["content"]["action"] for e in timeline("demo", case_id)].count("claimed") == 1


def test_a_task_open_at_its_due_time_is_flagged_overdue_exactly_once():
    clock = Clock(DUE - timedelta(hours=1))
    service = _service(clock)
    case_id = _case()
    task = service.create(ANA, NewTask(name="Call back", assignee="p-ana", due_at=DUE), case_id=case_id)

    clock.now = DUE - timedelta(seconds=1)
    early = service.flag_overdue(["demo"])
    clock.now = DUE + timedelta(seconds=30)
    on_time = service.flag_overdue(["demo"])
    again = service.flag_overdue(["demo"])

    assert (early.flagged, on_time.flagged, again.flagged) == (0, 1, 0)
    assert again.read == 0  # a flagged task leaves the due index
    assert service.get(ANA, task.task_id).overdue_at == DUE + timedelta(seconds=30)
    assert [e["eventType"] for e in case_audit_events("demo", case_id)].count("TASK.OVERDUE") == 1
    assert timeline("demo", case_id)[-1]["content"]["action"] == "overdue"


def test_concurrent_sweeps_flag_a_task_once():
    clock = Clock(DUE - timedelta(hours=1))
    task = _service(clock).create(ANA, NewTask(name="Standalone", queue="billing", due_at=DUE))
    clock.now = DUE + timedelta(seconds=10)
    both_read = threading.Barrier(2, timeout=10)
    sweepers = [_service(clock, SweepTogether(_tables()[0], both_read)) for _ in range(2)]

    def sweep(service):
        return service.flag_overdue(["demo"]).flagged

    with ThreadPoolExecutor(max_workers=2) as pool:
        flagged = sum(pool.map(sweep, sweepers))

    events = [e["eventType"] for e in task_audit_events("demo", task.task_id)]
    assert flagged == 1 and events.count("TASK.OVERDUE") == 1


def test_a_stale_sweep_does_not_flag_a_task_completed_meanwhile():
    clock = Clock(DUE - timedelta(hours=1))
    service = _service(clock)
    task = service.create(ANA, NewTask(name="Standalone", assignee="p-ana", due_at=DUE))
    clock.now = DUE + timedelta(seconds=5)
    racing = _service(clock, SweepTogether(_tables()[0], threading.Barrier(1)))
    (stale,) = TaskRepository(_tables()[0]).due("demo", due_shard(task.task_id), now=clock.now, limit=10).items
    service.update(ANA, task.task_id, TaskPatch(status=TaskStatus.DONE), 1)
    assert stale.status is TaskStatus.OPEN  # what a sweep that read the index before the completion holds

    assert racing.flag_overdue(["demo"]).flagged == 0
    assert "TASK.OVERDUE" not in [e["eventType"] for e in task_audit_events("demo", task.task_id)]


def test_tasks_not_yet_due_are_never_read_by_a_sweep():
    clock = Clock(DUE - timedelta(hours=1))
    service = _service(clock)
    for hours in range(1, 6):
        service.create(ANA, NewTask(name="Later", queue="billing", due_at=DUE + timedelta(hours=hours)))
    service.create(ANA, NewTask(name="Undated", queue="billing"))
    clock.now = DUE

    assert service.flag_overdue(["demo"]).read == 0


def test_a_sweep_reads_a_bounded_number_of_due_tasks_and_the_next_one_continues():
    clock = Clock(DUE - timedelta(hours=1))
    service = _service(clock)
    for minutes in range(12):
        service.create(ANA, NewTask(name="Due", queue="billing", due_at=DUE + timedelta(minutes=minutes)))
    clock.now = DUE + timedelta(hours=1)

    first = service.flag_overdue(["demo"], limit=8)
    rest = service.flag_overdue(["demo"], limit=400)

    assert first.read <= 8 and first.flagged == first.read
    assert first.flagged + rest.flagged == 12


def test_the_sweeper_handler_runs_on_a_scheduled_event():
    from casetrail.handlers import overdue_sweeper

    overdue_sweeper.task_service.cache_clear()
    overdue_sweeper.task_service().create(ANA, NewTask(name="Past due", queue="billing", due_at=datetime.now(UTC) - timedelta(minutes=1)))

    result = overdue_sweeper.handler(load_event("schedule/scheduled_event.json"), FakeLambdaContext())

    assert result == {"read": 1, "flagged": 1}
    overdue_sweeper.task_service.cache_clear()
