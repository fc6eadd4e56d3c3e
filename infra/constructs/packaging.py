"""How Casetrail's code reaches Lambda: one code asset and one dependency layer, shared by all, both
with the bytecode of the runtime's Python when this machine has that Python (infra/runtime_python.py)."""

import hashlib
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra import bundling, runtime_python

FUNCTIONS_DIR = Path(__file__).resolve().parents[2] / "functions"
REQUIREMENTS = FUNCTIONS_DIR / "requirements.txt"
# Not shipped in the code asset: the layer's input, and bytecode of whatever Python ran locally.
NOT_CODE = ["requirements.txt", "__pycache__", "*.pyc"]

RUNTIME = lambda_.Runtime.PYTHON_3_12
ARCHITECTURE = lambda_.Architecture.ARM_64
# The Python the wheels pip picks and the shipped bytecode are for ("3.12"), and pip's platform.
PYTHON_VERSION = RUNTIME.name.removeprefix("python")
PIP_PLATFORM = "manylinux2014_aarch64"


class Packaging(Construct):
    def __init__(self, scope: Construct, construct_id: str):
        super().__init__(scope, construct_id)
        compiler = self._bytecode_compiler()
        self.code = lambda_.Code.from_asset(
            str(FUNCTIONS_DIR),
            exclude=NOT_CODE,
            # Hashed as shipped (sources and bytecode): the same sources compile to the same bytes.
            asset_hash_type=cdk.AssetHashType.OUTPUT,
            bundling=cdk.BundlingOptions(
                image=RUNTIME.bundling_image,  # required by the API; local bundling always succeeds
                local=bundling.CompiledCopy(FUNCTIONS_DIR, ignore=NOT_CODE, bytecode_compiler=compiler),
            ),
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
                asset_hash=_layer_hash(with_bytecode=compiler is not None),
                bundling=cdk.BundlingOptions(
                    image=RUNTIME.bundling_image,  # required by the API; local bundling always succeeds
                    local=bundling.PipInstall(
                        REQUIREMENTS, platform=PIP_PLATFORM, python_version=PYTHON_VERSION, bytecode_compiler=compiler
                    ),
                ),
            ),
        )

    def _bytecode_compiler(self) -> str | None:
        if not cdk.Stack.of(self).bundling_required:  # e.g. the tests' synth, which bundles nothing
            return None
        compiler = runtime_python.bytecode_compiler(PYTHON_VERSION)
        if compiler is None:
            cdk.Annotations.of(self).add_warning_v2(
                "casetrail:noBytecode",
                f"No Python {PYTHON_VERSION} here (neither this interpreter nor python{PYTHON_VERSION} on PATH): "
                "the code asset and the layer ship without bytecode, so Lambda compiles every module it "
                "imports on each cold start.",
            )
        return compiler


def _layer_hash(*, with_bytecode: bool) -> str:
    digest = hashlib.sha256(REQUIREMENTS.read_bytes())
    digest.update(Path(bundling.__file__).read_bytes())
    digest.update(Path(runtime_python.__file__).read_bytes())
    digest.update(f"{PIP_PLATFORM} {PYTHON_VERSION} {'bytecode' if with_bytecode else 'sources'}".encode())
    return digest.hexdigest()
