"""What every Casetrail function shares: runtime, packaging, tracing, Powertools settings, logs."""

from casetrail.topology import LAMBDA_HANDLERS
from tests.infrastructure.resources import casetrail_functions, resources


def test_every_function_runs_python_3_12_on_arm_with_the_dependency_layer(template):
    layer_ids = set(resources(template, "AWS::Lambda::LayerVersion"))
    for function in casetrail_functions(template).values():
        properties = function["Properties"]
        assert properties["Runtime"] == "python3.12"
        assert properties["Architectures"] == ["arm64"]
        (layer,) = properties["Layers"]
        assert layer["Ref"] in layer_ids and "Dependencies" in layer["Ref"]


def test_every_function_shares_one_code_asset(template):
    code = {str(function["Properties"]["Code"]) for function in casetrail_functions(template).values()}
    assert len(code) == 1


def test_every_function_is_traced_by_lambda_without_the_xray_sdk_and_sets_its_log_level(template):
    for function in casetrail_functions(template).values():
        properties = function["Properties"]
        assert properties["TracingConfig"] == {"Mode": "Active"}
        variables = properties["Environment"]["Variables"]
        assert "LOG_LEVEL" in variables
        # The SDK's import and patching would cost every cold start (casetrail/observability.py).
        assert variables["POWERTOOLS_TRACE_DISABLED"] == "true"


def test_every_deployed_handler_is_one_bench_imports_measures(template):
    handlers = {function["Properties"]["Handler"] for function in casetrail_functions(template).values()}
    assert handlers == set(LAMBDA_HANDLERS)


def test_every_function_logs_to_its_own_log_group_with_retention(template):
    log_groups = resources(template, "AWS::Logs::LogGroup")
    used = [
        function["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
        for function in casetrail_functions(template).values()
    ]
    assert len(set(used)) == len(used)
    for log_group_id in used:
        assert log_groups[log_group_id]["Properties"]["RetentionInDays"] > 0
