"""Builds the dependency layer with pip on this machine, so `cdk synth` needs no docker."""

import importlib.metadata
import re
import subprocess
import sys
from pathlib import Path

import aws_cdk as cdk
import jsii

# The AWS SDK and its own dependencies ship with the Lambda Python runtime. aws-xray-sdk pulls
# botocore in anyway (30 of the layer's 45 MB); leaving it out also keeps boto3 and botocore at the
# versions the runtime tested together.
PROVIDED_BY_LAMBDA_RUNTIME = frozenset({"boto3", "botocore", "s3transfer", "python-dateutil", "six", "urllib3"})


@jsii.implements(cdk.ILocalBundling)
class PipInstall:
    """`pip install -r <requirements> -t <layer>/python` for the Lambda platform, not this one."""

    def __init__(self, requirements: Path, *, platform: str, python_version: str):
        self._requirements = requirements
        self._platform = platform
        self._python_version = python_version

    def try_bundle(self, output_dir: str, options) -> bool:
        site_packages = Path(output_dir) / "python"
        subprocess.run(
            [
                sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                "--requirement", str(self._requirements),
                "--target", str(site_packages),
                "--platform", self._platform,
                "--implementation", "cp",
                "--python-version", self._python_version,
                "--only-binary=:all:",
                "--no-compile",  # bytecode compiled here would be for this interpreter, not the runtime's
            ],
            check=True,
        )
        _remove_distributions(site_packages, PROVIDED_BY_LAMBDA_RUNTIME)
        # Never fall back to docker: a failed pip run has already raised.
        return True


def _remove_distributions(site_packages: Path, names: frozenset[str]) -> None:
    for distribution in importlib.metadata.distributions(path=[str(site_packages)]):
        if _normalized(distribution.metadata["Name"]) not in names:
            continue
        for file in distribution.files or ():
            path = (site_packages / file).resolve()
            if path.is_relative_to(site_packages.resolve()):
                path.unlink(missing_ok=True)
    for directory in sorted((p for p in site_packages.rglob("*") if p.is_dir()), reverse=True):
        if not any(directory.iterdir()):
            directory.rmdir()


def _normalized(distribution_name: str) -> str:
    return re.sub(r"[-_.]+", "-", distribution_name).lower()  # PEP 503
