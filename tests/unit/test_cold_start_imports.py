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
