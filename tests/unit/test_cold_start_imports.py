"""What a function's cold start loads, checked in a fresh interpreter with a deployed function's
environment (bench.imports measures the times; these keep the structure that makes them short)."""

import json
import subprocess
import sys

from bench.imports import REPO_ROOT, lambda_environment
from casetrail.topology import LAMBDA_HANDLERS, STREAM_PUBLISHER_HANDLER

_LOADED_AFTER_IMPORT = "import importlib,json,sys;[importlib.import_module(m) for m in sys.argv[1:]];print(json.dumps(sorted(sys.modules)))"


def modules_loaded_by(*modules: str, **environment: str) -> set[str]:
    completed = subprocess.run(
        [sys.executable, "-c", _LOADED_AFTER_IMPORT, *modules],
        cwd=REPO_ROOT, env={**lambda_environment(), **environment}, capture_output=True, text=True, check=True,
    )
    return set(json.loads(completed.stdout.splitlines()[-1]))


def handler_module(handler: str) -> str:
    return handler.rpartition(".")[0]


def test_the_stream_publisher_relays_without_loading_a_domain_model_or_the_xray_sdk():
    loaded = modules_loaded_by(handler_module(STREAM_PUBLISHER_HANDLER))

    domain = {m for m in loaded if m.startswith("casetrail.domain.")}
    assert domain <= {"casetrail.domain.errors"}  # plain exceptions, no models
    assert not {m for m in loaded if m.startswith(("casetrail.topology", "aws_xray_sdk"))}


def test_no_function_loads_the_xray_sdk_as_deployed():
    loaded = modules_loaded_by(*sorted({handler_module(h) for h in LAMBDA_HANDLERS}))

    assert "casetrail.handlers.api" in loaded
    assert not {m for m in loaded if m.startswith("aws_xray_sdk")}


def test_the_xray_sdk_traces_a_function_when_switched_on():
    loaded = modules_loaded_by("casetrail.observability", POWERTOOLS_TRACE_DISABLED="false")

    assert "aws_xray_sdk.core" in loaded


def test_the_api_loads_the_openapi_document_models_only_when_its_docs_are_asked_for():
    loaded = modules_loaded_by("casetrail.handlers.api")

    assert "aws_lambda_powertools.event_handler.openapi.models" not in loaded


_MODELS_BUILT_AT_IMPORT = """
import importlib, json, sys
from pydantic import BaseModel
importlib.import_module(sys.argv[1])
built = set()
pending = list(BaseModel.__subclasses__())
while pending:
    model = pending.pop()
    pending.extend(model.__subclasses__())
    if model.__module__.startswith("casetrail.") and model.__dict__.get("__pydantic_complete__"):
        built.add(f"{model.__module__}.{model.__qualname__}")
print(json.dumps(sorted(built)))
"""


def models_built_by_importing(module: str) -> set[str]:
    completed = subprocess.run(
        [sys.executable, "-c", _MODELS_BUILT_AT_IMPORT, module],
        cwd=REPO_ROOT, env=lambda_environment(), capture_output=True, text=True, check=True,
    )
    return set(json.loads(completed.stdout.splitlines()[-1]))


# Built at import on purpose: every invocation needs them (the settings; a consumer's every message).
NEEDED_BY_EVERY_INVOCATION = {
    "casetrail.settings.Settings",
    "casetrail.handlers.case_event_messages.BusEvent",
    "casetrail.handlers.case_event_messages.CaseEventMessage",
}


def test_no_function_builds_at_import_a_model_schema_only_some_requests_need():
    # Each costs every cold start ~1 ms or more (defer_build: built on first use instead).
    for module in sorted({handler_module(h) for h in LAMBDA_HANDLERS}):
        assert models_built_by_importing(module) <= NEEDED_BY_EVERY_INVOCATION, module


def test_the_api_reads_its_docs_path_without_loading_the_topology():
    loaded = modules_loaded_by("casetrail.handlers.api")

    assert "casetrail.topology" not in loaded  # every consumer's domain modules


_COLLECTOR_DURING_AND_AFTER = """
import gc, importlib, json, sys
import casetrail.handlers
during = gc.isenabled()
importlib.import_module(sys.argv[1])
print(json.dumps([during, gc.isenabled()]))
"""


def test_every_function_pauses_the_garbage_collector_for_its_init_only():
    for module in sorted({handler_module(h) for h in LAMBDA_HANDLERS}):
        completed = subprocess.run(
            [sys.executable, "-c", _COLLECTOR_DURING_AND_AFTER, module],
            cwd=REPO_ROOT, env=lambda_environment(), capture_output=True, text=True, check=True,
        )
        enabled_during, enabled_after = json.loads(completed.stdout.splitlines()[-1])
        assert (enabled_during, enabled_after) == (False, True), module  # else its invocations would never collect
