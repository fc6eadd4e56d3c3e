"""The CDK app: the Casetrail stack, checked by cdk-nag's AWS Solutions rules on every synth."""

import json
from pathlib import Path

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

from infra.stack import CasetrailStack

CDK_JSON = Path(__file__).resolve().parents[1] / "cdk.json"
STACK_NAME = "Casetrail"


def build_app(*, context: dict | None = None, outdir: str | None = None) -> tuple[cdk.App, CasetrailStack]:
    # Only the CDK CLI feeds cdk.json's context (feature flags included) to the app; read it here too
    # so that `python app.py` and the tests synthesise exactly what `cdk deploy` would.
    app = cdk.App(context={**json.loads(CDK_JSON.read_text())["context"], **(context or {})}, outdir=outdir)
    stage = app.node.try_get_context("stage")
    stack = CasetrailStack(app, f"{STACK_NAME}-{stage}" if stage else STACK_NAME, stage=stage)
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return app, stack
