"""Synthesises the Casetrail app once per test session: cdk-nag on, dependency bundling off.

Bundling is skipped (`aws:cdk:bundling-stacks: []`) so no test runs pip: the layer keeps a
placeholder asset, everything else is synthesised as `cdk deploy` would.
"""

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from aws_cdk.assertions import Template

from infra.application import build_app

SKIP_BUNDLING = {"aws:cdk:bundling-stacks": []}
# Two Connect instances of two tenants, so the contact-flow functions' permissions and associations
# are synthesised as for a real deployment (`cdk deploy -c connectInstances=...`).
CONNECT_INSTANCES = {
    "arn:aws:connect:us-east-1:111122223333:instance/demo": "demo",
    "arn:aws:connect:eu-west-1:444455556666:instance/acme": "acme",
}
# The agent workspace embedded in the first instance's agent workspace.
WORKSPACE_CONNECT = [{"instanceArn": "arn:aws:connect:us-east-1:111122223333:instance/demo", "origin": "https://demo.my.connect.aws"}]


@dataclass(frozen=True)
class Synthesis:
    template: Template
    template_file: Path
    nag_failure: str | None  # cdk-nag's report when it found something unacknowledged


def synthesise(outdir: Path, context: dict | None = None) -> Synthesis:
    context = {**SKIP_BUNDLING, "connectInstances": CONNECT_INSTANCES, "casetrail:workspaceConnect": WORKSPACE_CONNECT, **(context or {})}
    app, stack = build_app(context=context, outdir=str(outdir))
    try:
        app.synth()
        nag_failure = None
    except RuntimeError as error:  # jsii's form of CDK's ValidationFailed
        if "ValidationFailed" not in str(error):
            raise
        nag_failure = (outdir / "validation-report.json").read_text()
    template_file = outdir / stack.template_file
    return Synthesis(Template.from_json(json.loads(template_file.read_text())), template_file, nag_failure)


@pytest.fixture(scope="session")
def synthesis(tmp_path_factory) -> Synthesis:
    return synthesise(tmp_path_factory.mktemp("cdk.out"))


@pytest.fixture(scope="session")
def template(synthesis) -> Template:
    return synthesis.template
