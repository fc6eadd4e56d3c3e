"""Idempotency-Key support for creating cases, with Powertools Idempotency.

The record is keyed by tenant and key (one tenant's key can never replay another's case), and the
request body is validated: the same key with a different body is refused instead of replayed.
"""

import os
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)

from casetrail.store.tables import IDEMPOTENCY_TABLE

KEY_TTL_SECONDS = 24 * 60 * 60

config = IdempotencyConfig(
    event_key_jmespath="[tenantId, idempotencyKey]",
    payload_validation_jmespath="body",
    expires_after_seconds=KEY_TTL_SECONDS,
    raise_on_no_idempotency_key=True,
)


def once_per_key(function: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """Wraps `function(request=...)`; request is {"tenantId", "idempotencyKey", "body", ...}."""
    persistence = DynamoDBPersistenceLayer(table_name=os.environ.get(IDEMPOTENCY_TABLE.env_var, "unset"))
    return idempotent_function(data_keyword_argument="request", persistence_store=persistence, config=config)(function)
