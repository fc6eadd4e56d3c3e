"""Per-tenant limits as `make run` enforces them: one tenant's burst is refused with 429, others
go on as if nothing happened, and the tenant is admitted again as its bucket refills."""

from casetrail.domain.tenant_limits import ApiThrottle, Throttle, api_id_of, usage_identifier_key
from local.api_gateway import ApiGateway
from local.http_adapter import HttpRequest
from local.lambda_runtime import LocalFunction
from local.tenant_throttle import TenantThrottle

import pytest


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _authorizer(event, context):
    tenant = event["authorizationToken"].removeprefix("Bearer ")
    return {
        "principalId": f"p-{tenant}",
        "policyDocument": {"Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": "*"}]},
        "context": {"tenantId": tenant},
        "usageIdentifierKey": usage_identifier_key(api_id_of(event["methodArn"]), tenant),
    }


def _api(event, context):
    return {"statusCode": 200, "body": "{}"}


def _request(tenant: str) -> HttpRequest:
    return HttpRequest("GET", "/cases", "", (("Authorization", f"Bearer {tenant}"),), b"", "127.0.0.1")


def _gateway(clock: FakeClock) -> ApiGateway:
    return ApiGateway(
        authorizer=LocalFunction("authorizer", _authorizer),
        api=LocalFunction("api", _api),
        throttle=TenantThrottle(Throttle(rate_limit=2, burst_limit=3), clock=clock),
    )


def test_a_tenant_over_its_burst_is_throttled_while_another_tenant_is_served():
    clock = FakeClock()
    gateway = _gateway(clock)

    # Given tenant "noisy" sends its whole burst and one more at the same instant
    statuses = [gateway(_request("noisy")).status for _ in range(4)]

    # Then the one over the burst is a 429, and tenant "quiet" is still served at that instant
    assert statuses == [200, 200, 200, 429]
    assert gateway(_request("quiet")).status == 200


def test_a_throttled_tenant_is_admitted_again_as_its_rate_refills():
    clock = FakeClock()
    gateway = _gateway(clock)
    for _ in range(3):
        gateway(_request("noisy"))
    assert gateway(_request("noisy")).status == 429

    clock.now += 0.5  # 2 requests per second: one more token

    assert [gateway(_request("noisy")).status for _ in range(2)] == [200, 429]


def test_a_throttled_answer_has_the_api_error_shape():
    gateway = _gateway(FakeClock())
    for _ in range(3):
        gateway(_request("noisy"))

    response = gateway(_request("noisy"))

    assert b'"code": "THROTTLED"' in response.body


def test_a_tenant_may_not_be_allowed_more_than_the_whole_stage():
    with pytest.raises(ValueError):
        ApiThrottle(per_tenant=Throttle(rate_limit=500, burst_limit=100), stage=Throttle(rate_limit=100, burst_limit=200))
