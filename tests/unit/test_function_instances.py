"""The local runner's request path runs as Lambda would: each function instance a process of its
own, one event at a time, another instance started when every one is busy."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from local.function_instances import FunctionError, FunctionInstances

HANDLERS = "tests.function_instance_handlers"


@pytest.fixture
def instances():
    started = []

    def start(handler: str, max_instances: int = 2) -> FunctionInstances:
        function = FunctionInstances("test-function", f"{HANDLERS}.{handler}", 5, max_instances=max_instances).start()
        started.append(function)
        return function

    yield start
    for function in started:
        function.stop()


def test_concurrent_invocations_run_at_once_in_instances_of_their_own(instances, tmp_path):
    function = instances("meet", max_instances=2)

    with ThreadPoolExecutor(2) as callers:
        answers = list(callers.map(function.invoke, [{"meeting": str(tmp_path), "expected": 2}] * 2))

    assert all(answer["met"] for answer in answers)
    assert len({answer["pid"] for answer in answers}) == 2
    assert {answer["function"] for answer in answers} == {"test-function"}


def test_no_more_instances_than_the_limit_and_callers_wait_for_a_free_one(instances, tmp_path):
    function = instances("meet", max_instances=1)

    with ThreadPoolExecutor(3) as callers:
        answers = list(callers.map(function.invoke, [{"meeting": str(tmp_path), "expected": 1}] * 3))

    assert len({answer["pid"] for answer in answers}) == 1


def test_a_handler_error_reaches_the_caller_with_its_message_and_the_instance_stays(instances):
    function = instances("refuse")

    for _ in range(2):
        with pytest.raises(FunctionError, match="^Unauthorized$"):
            function.invoke({})


def test_an_instance_whose_process_died_is_replaced(instances):
    function = instances("crash")

    for _ in range(2):  # the second invocation gets a new instance, which dies too
        with pytest.raises(FunctionError, match="process ended"):
            function.invoke({})
