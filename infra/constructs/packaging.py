"""How Casetrail's code reaches Lambda: one code asset and one dependency layer, shared by all."""

import hashlib
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra import bundling

FUNCTIONS_DIR = Path(__file__).resolve().parents[2] / "functions"
REQUIREMENTS = FUNCTIONS_DIR / "requirements.txt"

RUNTIME = lambda_.Runtime.PYTHON_3_12
ARCHITECTURE = lambda_.Architecture.ARM_64
# The wheels pip must pick for that runtime and architecture.
PIP_PLATFORM = "manylinux2014_aarch64"
PIP_PYTHON_VERSION = "3.12"


class Packaging(Construct):
    def __init__(self, scope: Construct, construct_id: str):
        super().__init__(scope, construct_id)
        self.code = lambda_.Code.from_asset(
            str(FUNCTIONS_DIR),
            exclude=["requirements.txt", "**/__pycache__", "**/*.pyc"],
        )
        self.dependencies = lambda_.LayerVersion(
            self,
            "Dependencies",
            description="Casetrail's Python dependencies (functions/requirements.txt)",
            compatible_runtimes=[RUNTIME],
            compatible_architectures=[ARCHITECTURE],
            code=lambda_.Code.from_asset(
                str(FUNCTIONS_DIR),
                # The layer changes when what goes into it does, not with every edit of the
                # function code that shares its directory.
                asset_hash=_layer_hash(),
                bundling=cdk.BundlingOptions(
                    image=RUNTIME.bundling_image,  # required by the API; local bundling always succeeds
                    local=bundling.PipInstall(REQUIREMENTS, platform=PIP_PLATFORM, python_version=PIP_PYTHON_VERSION),
                ),
            ),
        )


def _layer_hash() -> str:
    digest = hashlib.sha256(REQUIREMENTS.read_bytes())
    digest.update(Path(bundling.__file__).read_bytes())
    digest.update(f"{PIP_PLATFORM} {PIP_PYTHON_VERSION}".encode())
    return digest.hexdigest()
