"""Functions run on a fixed rate, one per topology.ScheduledFunction: the function, its schedule
rule, the grants its declared tables need, and the bus when it publishes events itself."""

import aws_cdk as cdk
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from constructs import Construct

from casetrail.topology import EVENT_BUS_ENV_VAR, ScheduledFunction
from infra.constructs.data import Data
from infra.constructs.event_details import EventDetails
from infra.constructs.files import Files
from infra.constructs.function import CasetrailFunction
from infra.constructs.monitoring import Monitoring
from infra.constructs.packaging import Packaging
from infra.constructs.rule_targets import target_dead_letters, watch_rule

# Shorter than the shortest rate (one minute), so runs of one function do not pile up.
TIMEOUT = cdk.Duration.seconds(50)


class ScheduledFunctions(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        functions: tuple[ScheduledFunction, ...],
        bus: events.IEventBus,
        packaging: Packaging,
        data: Data,
        monitoring: Monitoring,
        files: Files,
        event_details: EventDetails,
    ):
        super().__init__(scope, construct_id)
        for spec in functions:
            _scheduled_function(self, spec, bus=bus, packaging=packaging, data=data, monitoring=monitoring, files=files, event_details=event_details)


def _scheduled_function(
    scope: Construct,
    spec: ScheduledFunction,
    *,
    bus: events.IEventBus,
    packaging: Packaging,
    data: Data,
    monitoring: Monitoring,
    files: Files,
    event_details: EventDetails,
) -> None:
    construct = Construct(scope, spec.logical_id)
    environment = data.environment(*spec.reads, *spec.writes)
    if spec.publishes_events:
        environment[EVENT_BUS_ENV_VAR] = bus.event_bus_name
    if spec.removes_files:  # deleting cases: their files and claim-checked event details
        environment |= files.environment() | event_details.environment()
    function = CasetrailFunction(
        construct,
        "Function",
        packaging=packaging,
        handler=spec.handler,
        description=spec.description,
        environment=environment,
        timeout=TIMEOUT,
    ).function
    data.grant_read(function, *spec.reads)
    data.grant_declared(function, reads=(), writes=spec.writes, deletes=spec.deletes)
    if spec.removes_files:
        files.grant_removal(function)
        event_details.grant_removal(function)
    if spec.publishes_events:
        bus.grant_put_events_to(function)
    # No retries: the next run comes within minutes anyway. A run EventBridge could not start goes to
    # the dead-letter queue (and pages), so a stopped sweeper does not go unnoticed.
    rule = events.Rule(
        construct,
        "Schedule",
        description=f"Runs {spec.logical_id} every {spec.every_minutes} minute(s)",
        schedule=events.Schedule.rate(cdk.Duration.minutes(spec.every_minutes)),
        targets=[
            targets.LambdaFunction(function, retry_attempts=0, dead_letter_queue=target_dead_letters(construct, monitoring))
        ],
    )
    watch_rule(construct, rule, monitoring)
    monitoring.alarm_on_errors(construct, function)
