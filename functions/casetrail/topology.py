"""The deployable pieces of Casetrail and how events flow between them, described once.

infra/ turns this into Lambda functions, rules and queues; local/ runs the same handlers against
moto with the same routing, so a consumer added here exists in both places.
"""

from dataclasses import dataclass

from casetrail.store.tables import CASES_TABLE, TASKS_TABLE, TableSpec

EVENT_BUS_ENV_VAR = "EVENT_BUS_NAME"
EVENT_SOURCE = "casetrail"
EVENT_DETAIL_TYPE = "Casetrail Case Change"

API_HANDLER = "casetrail.handlers.api.handler"
AUTHORIZER_HANDLER = "casetrail.handlers.authorizer.handler"
STREAM_PUBLISHER_HANDLER = "casetrail.handlers.stream_publisher.handler"


@dataclass(frozen=True)
class EventConsumer:
    """A function fed by an EventBridge rule through an SQS queue (with a DLQ)."""

    logical_id: str
    handler: str
    description: str
    event_types: tuple[str, ...] = ()  # detail.eventType values it wants; empty means all
    reads: tuple[TableSpec, ...] = ()  # tables it may read (the stack grants read, sets the env var)
    writes: tuple[TableSpec, ...] = ()  # tables it may read and write

    def event_pattern(self) -> dict:
        pattern: dict = {"source": [EVENT_SOURCE], "detail-type": [EVENT_DETAIL_TYPE]}
        if self.event_types:
            pattern["detail"] = {"eventType": list(self.event_types)}
        return pattern


# Consumers of the case event stream. Later features (notifications, billing, SLA, rules,
# metrics) register here.
EVENT_CONSUMERS: tuple[EventConsumer, ...] = ()


@dataclass(frozen=True)
class ScheduledFunction:
    """A function run on a fixed rate (an EventBridge schedule deployed; a timer in `make run`)."""

    logical_id: str
    handler: str
    description: str
    every_minutes: int = 1
    reads: tuple[TableSpec, ...] = ()
    writes: tuple[TableSpec, ...] = ()
    publishes_events: bool = False  # granted events:PutEvents on the bus, told its name


OVERDUE_SWEEPER = ScheduledFunction(
    logical_id="OverdueSweeper",
    handler="casetrail.handlers.overdue_sweeper.handler",
    description="Flags tasks still open past their due time, once each (TASK.OVERDUE)",
    every_minutes=1,
    # Flagging a linked task writes its case's audit and timeline too.
    writes=(TASKS_TABLE, CASES_TABLE),
)

SCHEDULED_FUNCTIONS: tuple[ScheduledFunction, ...] = (OVERDUE_SWEEPER,)
