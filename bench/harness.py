"""What every benchmark shares: Casetrail on moto in process, and a measurement that reports the
median time per request with the AWS calls each request made (the figure that carries over to
AWS; moto's times do not always)."""

import argparse
import os
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import botocore.client

from tests.conftest import TEST_ENVIRONMENT

_calls: Counter = Counter()
_original_api_call = botocore.client.BaseClient._make_api_call


def _counting_api_call(self, operation_name, api_params):
    _calls[f"{self.meta.service_model.service_name}.{operation_name}"] += 1
    return _original_api_call(self, operation_name, api_params)


def requests_from_command_line(default: int) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=default)
    return parser.parse_args().requests


@contextmanager
def emulated_casetrail() -> Iterator:
    """Casetrail's tables on a fresh moto, with the environment the tests use; yields the
    DynamoDB client. Cached services are cleared so none holds a client of an earlier moto. moto's
    transactions are patched as in the local runner and the tests (local/moto_transactions.py)."""
    from moto import mock_aws

    from local import moto_transactions

    moto_transactions.install()
    os.environ.update(TEST_ENVIRONMENT)
    with mock_aws():
        from casetrail.handlers import dependencies
        from casetrail.store.dynamo import dynamodb_client
        from casetrail.store.provisioning import create_tables

        dynamodb_client.cache_clear()
        for cached in vars(dependencies).values():
            if hasattr(cached, "cache_clear"):
                cached.cache_clear()
        client = dynamodb_client()
        create_tables(client)
        yield client


def measure(request: Callable[[int], None], requests: int, warm_up: int = 5) -> tuple[float, dict[str, float]]:
    """(median seconds per request, AWS calls per request by operation). Warm-up requests get
    negative numbers, so a request that uses its number as an id never repeats a measured one."""
    for i in range(1, warm_up + 1):
        request(-i)
    _calls.clear()
    botocore.client.BaseClient._make_api_call = _counting_api_call
    samples = []
    try:
        for i in range(requests):
            start = time.perf_counter()
            request(i)
            samples.append(time.perf_counter() - start)
    finally:
        botocore.client.BaseClient._make_api_call = _original_api_call
    return statistics.median(samples), {k: round(v / requests, 2) for k, v in sorted(_calls.items())}
