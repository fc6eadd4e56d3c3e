"""Runtime configuration, read from the environment once and validated at start."""

import os
from functools import cache

from pydantic import BaseModel

from casetrail.store.tables import ACCESS_TABLE, CASES_TABLE, IDEMPOTENCY_TABLE
from casetrail.topology import EVENT_BUS_ENV_VAR, FILE_CONTENT_TYPES_ENV_VAR, FILE_MAX_BYTES_ENV_VAR, FILES_BUCKET_ENV_VAR

# What a file related item may be unless the deployment says otherwise.
DEFAULT_FILE_MAX_BYTES = 25 * 1024 * 1024
DEFAULT_FILE_CONTENT_TYPES = "application/pdf,image/png,image/jpeg,image/gif,text/plain,text/csv,audio/wav,audio/mpeg"


class Settings(BaseModel):
    # Each function is given only the names it needs (least privilege), so all are optional here
    # and the component that uses one fails loudly at start when it is missing.
    cases_table_name: str | None = None
    access_table_name: str | None = None
    idempotency_table_name: str | None = None
    event_bus_name: str | None = None
    files_bucket_name: str | None = None
    file_max_bytes: int = DEFAULT_FILE_MAX_BYTES
    file_content_types: frozenset[str] = frozenset(DEFAULT_FILE_CONTENT_TYPES.split(","))


@cache
def get_settings() -> Settings:
    return Settings(
        cases_table_name=os.environ.get(CASES_TABLE.env_var),
        access_table_name=os.environ.get(ACCESS_TABLE.env_var),
        idempotency_table_name=os.environ.get(IDEMPOTENCY_TABLE.env_var),
        event_bus_name=os.environ.get(EVENT_BUS_ENV_VAR),
        files_bucket_name=os.environ.get(FILES_BUCKET_ENV_VAR),
        file_max_bytes=int(os.environ.get(FILE_MAX_BYTES_ENV_VAR, DEFAULT_FILE_MAX_BYTES)),
        file_content_types=frozenset(os.environ.get(FILE_CONTENT_TYPES_ENV_VAR, DEFAULT_FILE_CONTENT_TYPES).split(",")),
    )
