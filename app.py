#!/usr/bin/env python3
"""Entry point of `cdk synth` / `cdk deploy` (and of `CDK_OUTDIR=cdk.out python app.py`)."""

from infra.application import build_app

app, _ = build_app()
app.synth()
