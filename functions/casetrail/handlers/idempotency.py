"""Idempotency-Key support for creating cases, with Powertools Idempotency.

The record is keyed by tenant and key (one tenant's key can never replay another's case), and the
request body is validated: the same key with a different body is refused instead of replayed.
"""

import functools
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)

from casetrail.settings import get_settings

KEY_TTL_SECONDS = 24 * 60 * 60

config = IdempotencyConfig(
    event_key_jmespath="[tenantId, idempotencyKey]",
    payload_validation_jmespath="body",
    expires_after_seconds=KEY_TTL_SECONDS,
    raise_on_no_idempotency_key=True,
)

Operation = Callable[..., dict[str, Any]]


@functools.cache
def _idempotent(function: Operation) -> Operation:
    # Built on first use, not at import: the persistence layer creates a DynamoDB client, which
    # requests that carry no Idempotency-Key should not pay for on a cold start.
    persistence = DynamoDBPersistenceLayer(table_name=get_settings().idempotency_table_name)
    return idempotent_function(data_keyword_argument="request", persistence_store=persistence, config=config)(function)


def once_per_key(function: Operation) -> Operation:
    """Wraps `function(request=...)`; request is {"tenantId", "idempotencyKey", "body", ...}."""

    @functools.wraps(function)
    def run_once(*, request: dict[str, Any]) -> dict[str, Any]:
        return _idempotent(function)(request=request)

    return run_once


@functools.cache
def _persistence_for_ids() -> DynamoDBPersistenceLayer:
    return DynamoDBPersistenceLayer(table_name=get_settings().idempotency_table_name)


def record_id(function: Operation, request: dict[str, Any]) -> str:
    """The id of the record Powertools keeps for `function(request=...)`, computed by Powertools'
    own persistence layer (its key prefix and hashing), so deleting the case can delete the record
    that would replay it. A test deletes one to prove the two agree."""
    persistence = _persistence_for_ids()
    persistence.configure(config, f"{function.__module__}.{function.__qualname__}")
    return persistence._get_hashed_idempotency_key(request)  # noqa: SLF001  (no public equivalent)
