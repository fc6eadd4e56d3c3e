"""Runtime configuration, read from the environment once and validated at start."""

import os
from functools import cache

from pydantic import BaseModel

from casetrail.store.tables import ACCESS_TABLE, CASES_TABLE, IDEMPOTENCY_TABLE, TASKS_TABLE
from casetrail.topology import EVENT_BUS_ENV_VAR


class Settings(BaseModel):
    # Each function is given only the names it needs (least privilege), so all are optional here
    # and the component that uses one fails loudly at start when it is missing.
    cases_table_name: str | None = None
    access_table_name: str | None = None
    idempotency_table_name: str | None = None
    event_bus_name: str | None = None
    tasks_table_name: str | None = None


@cache
def get_settings() -> Settings:
    return Settings(
        cases_table_name=os.environ.get(CASES_TABLE.env_var),
        access_table_name=os.environ.get(ACCESS_TABLE.env_var),
        idempotency_table_name=os.environ.get(IDEMPOTENCY_TABLE.env_var),
        event_bus_name=os.environ.get(EVENT_BUS_ENV_VAR),
        tasks_table_name=os.environ.get(TASKS_TABLE.env_var),
    )
