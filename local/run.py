"""`make run`: Casetrail on http://127.0.0.1:3000, backed by moto, with events flowing end to end.

    HTTP ─> api_gateway (authorizer, proxy event) ─> API handler ─> DynamoDB (moto)
    DynamoDB stream ─> stream_poller ─> publisher handler ─> EventBridge bus (moto)
    bus ─> one rule per consumer ─> SQS (+DLQ) ─> queue_poller ─> consumer handler
    bus ─> tap rule ─> SQS ─> queue_poller ─> event_tap (stdout, GET /events/recent)

moto runs in a process of its own (local/moto_process.py), and so does each instance of the API
function (local/function_instances.py): as on Lambda, a request finding every instance busy starts
another, up to CASETRAIL_LOCAL_INSTANCES. The authorizer (a hash and one GetItem) and the event path
(pollers, publisher, consumers, timers) run in this process: measured, an authorizer of its own
processes only added two process hops to every request (bench.runner).

Environment: PORT (3000), MOTO_PORT (5055), CASETRAIL_API_KEY (use this demo key, not a new one),
CASETRAIL_DEMO_PASSWORD (the demo people's password, default Casetrail-demo-1),
CASETRAIL_TENANT_THROTTLE=off (no per-tenant request limits), CASETRAIL_LOCAL_INSTANCES (4).
"""

import os
import signal
import threading
import time
import warnings

import boto3

from casetrail.settings import get_settings
from casetrail.workspace_config import workspace_config
from casetrail.configuration import api_throttle
from casetrail.topology import API_HANDLER, AUTHORIZER_HANDLER, SCHEDULED_FUNCTIONS, STREAM_PUBLISHER_HANDLER
from local import environment
from local.api_gateway import ApiGateway
from local.background import BackgroundLoop
from local.bootstrap import DEMO_TENANT_ID, create_demo_tenant, create_demo_users
from local.emulator import Resources, provision
from local.environment import NAME_PREFIX, REGION
from local.event_tap import EventTap, print_notifications
from local.function_instances import FunctionInstances
from local.http_adapter import HttpServer
from local.lambda_runtime import LocalFunction
from local.moto_process import MotoProcess
from local.queue_poller import WAIT_SECONDS, QueuePoller
from local.schedule_timer import ScheduleTimer
from local.runner_routes import COGNITO_PATH, RunnerRoutes
from local.stream_poller import StreamPoller
from local.user_pool import LocalUserPool, apply_user_pool, demo_password, provision_user_pool
from local.tenant_throttle import TenantThrottle
from local.tenant_throttle import enabled as tenant_throttle_enabled

DEFAULT_PORT = 3000
DEFAULT_MOTO_PORT = 5055
# API function instances at most (each a process of ~100 MB): enough to keep 2 cores busy.
DEFAULT_INSTANCES = 4


class RunningCasetrail:
    def __init__(self, http: HttpServer, moto: MotoProcess):
        self._http = http
        self._moto = moto
        self._stopping = threading.Event()  # every poller's loop ends when it is set
        self._pollers: list[BackgroundLoop] = []
        self._functions: list[FunctionInstances] = []  # in processes of their own
        self.api_key = ""
        self.user_pool: LocalUserPool | None = None
        self.demo_users: list = []
        self.demo_password = ""

    @property
    def url(self) -> str:
        return self._http.url

    @property
    def moto_url(self) -> str:
        return f"http://127.0.0.1:{self._moto.port}"

    def workspace_config(self) -> dict[str, str]:
        return workspace_config(
            api_url=self.url,
            region=REGION,
            user_pool_id=self.user_pool.user_pool_id,
            user_pool_client_id=self.user_pool.client_id,
            # The runner forwards the browser's Cognito calls (public operations only) to moto.
            cognito_endpoint=f"{self.url}{COGNITO_PATH}",
        )

    def stop(self) -> None:
        self._stopping.set()
        self._http.stop()
        # Pollers finish the call in flight (a long poll ends within WAIT_SECONDS); any still busy
        # after that are daemon threads and end with the process.
        deadline = time.monotonic() + WAIT_SECONDS + 0.2
        for poller in self._pollers:
            poller.join(max(0.0, deadline - time.monotonic()))
        for function in self._functions:
            function.stop()
        self._moto.stop()


def start(port: int = DEFAULT_PORT, moto_port: int = DEFAULT_MOTO_PORT, api_key: str | None = None) -> RunningCasetrail:
    """Starts everything; returns once the API answers. Once per process: the handlers keep the
    environment (endpoint, table names) they first read."""
    http = HttpServer(port)
    try:
        running = RunningCasetrail(http, MotoProcess(moto_port))
    except BaseException:
        http.stop()
        raise
    try:
        environment.apply(moto_port)
        running._moto.start()
        session = boto3.Session()
        resources = provision(session)
        environment.apply_notification_resources(
            resources.notification_topic_arn, resources.signing_key_id, running.url, resources.page_token_secret_arn
        )
        cognito = session.client("cognito-idp")
        running.user_pool = provision_user_pool(cognito)
        apply_user_pool(running.user_pool, running.moto_url)  # before any handler reads its settings
        running.api_key = create_demo_tenant(api_key).api_key
        running.demo_password = demo_password()
        running.demo_users = create_demo_users(cognito, running.user_pool.user_pool_id, running.demo_password)
        # The handlers are imported from here on, after the environment is set. Metrics are off
        # locally, so Powertools' warning that an invocation added none is noise.
        warnings.filterwarnings("ignore", message="No application metrics to publish")
        instances = int(os.environ.get("CASETRAIL_LOCAL_INSTANCES") or DEFAULT_INSTANCES)
        # Timeouts as deployed (infra/constructs/api.py), reported to the handlers through their context.
        authorizer = LocalFunction.from_dotted_path(f"{NAME_PREFIX}-authorizer", AUTHORIZER_HANDLER, 5)
        api = FunctionInstances(f"{NAME_PREFIX}-api", API_HANDLER, 10, max_instances=instances)
        running._functions = [api]
        api.start_in_background()  # its first instance imports while this process goes on
        tap = EventTap()
        running._pollers = _pollers(session, resources, tap, running._stopping)
        for poller in running._pollers:
            poller.start()
        gateway = ApiGateway(
            authorizer=authorizer,
            api=api,
            allowed_origins=get_settings().allowed_origins,
            throttle=_tenant_throttle(),
        )
        running._http.start(RunnerRoutes(gateway, tap, running.workspace_config(), running.moto_url))
    except BaseException:
        running.stop()
        raise
    return running


def _tenant_throttle() -> TenantThrottle | None:
    if not tenant_throttle_enabled():
        return None
    return TenantThrottle(api_throttle(environment.deployment_context().get).per_tenant)


def _pollers(
    session: boto3.Session, resources: Resources, tap: EventTap, stopping: threading.Event
) -> list[BackgroundLoop]:
    # Clients are created here, on one thread, because creating them concurrently is not thread-safe
    # (using them is).
    sqs = session.client("sqs")
    publisher = LocalFunction.from_dotted_path(f"{NAME_PREFIX}-stream-publisher", STREAM_PUBLISHER_HANDLER)
    pollers: list[BackgroundLoop] = [
        StreamPoller(session.client("dynamodbstreams"), resources.stream_arns, publisher, stopping)
    ]
    for consumer, queue in resources.consumer_queues:
        function = LocalFunction.from_dotted_path(f"{NAME_PREFIX}-{consumer.logical_id.lower()}", consumer.handler)
        pollers.append(QueuePoller(sqs, queue.url, queue.arn, function, stopping))
    tap_function = LocalFunction(name=f"{NAME_PREFIX}-event-tap", handler=tap.handler)
    pollers.append(QueuePoller(sqs, resources.tap_queue.url, resources.tap_queue.arn, tap_function, stopping))
    outbox = LocalFunction(name=f"{NAME_PREFIX}-outbox", handler=print_notifications)
    pollers.append(QueuePoller(sqs, resources.outbox_queue.url, resources.outbox_queue.arn, outbox, stopping))
    for scheduled in SCHEDULED_FUNCTIONS:
        function = LocalFunction.from_dotted_path(f"{NAME_PREFIX}-{scheduled.logical_id.lower()}", scheduled.handler)
        pollers.append(ScheduleTimer(function, scheduled.every_minutes * 60, stopping))
    return pollers


def _banner(running: RunningCasetrail) -> str:
    auth = f"Authorization: Bearer {running.api_key}"
    body = '{"title":"Billing dispute","customerId":"cust-1"}'
    people = ", ".join(f"{u.email} ({u.name}, {u.role.value}; queues {', '.join(u.queues)})" for u in running.demo_users)
    return f"""
Casetrail is running at {running.url}  (AWS emulated by moto at {running.moto_url})
  API key:  {running.api_key}  (tenant "{DEMO_TENANT_ID}", Demo Supervisor, role supervisor)
  People:   {people}
            password {running.demo_password}  (sign in: {running.url}{COGNITO_PATH}, app client {running.user_pool.client_id})
  Workspace configuration: {running.url}/config.json
  Customer: cust-1 (Dana Demo, +15551234567), ready for cases
  API docs: {running.url}/docs
  Events:   printed below as they flow; also GET {running.url}/events/recent

  Create a case:
    curl -i -X POST {running.url}/cases -H '{auth}' -H 'Content-Type: application/json' -d '{body}'

Press Ctrl-C to stop.
"""


def main() -> None:
    stopping = threading.Event()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signal_number, lambda *_: stopping.set())
    running = start(
        port=int(os.environ.get("PORT", DEFAULT_PORT)),
        moto_port=int(os.environ.get("MOTO_PORT", DEFAULT_MOTO_PORT)),
        api_key=os.environ.get("CASETRAIL_API_KEY") or None,
    )
    print(_banner(running), flush=True)
    stopping.wait()
    print("Stopping Casetrail...", flush=True)
    running.stop()


if __name__ == "__main__":
    main()
