"""A stand-in for the Lambda context object the runtime passes to a handler."""

from dataclasses import dataclass


@dataclass
class FakeLambdaContext:
    function_name: str = "casetrail-test"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:casetrail-test"
    aws_request_id: str = "7f1b3c3e-0000-4000-8000-000000000000"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 10_000
