"""Builds the code asset and the dependency layer on this machine, so `cdk synth` needs no docker.

Both ship the bytecode of the Lambda runtime's Python when there is an interpreter of its version
(infra/runtime_python.py); without one, sources only, and synth warns (infra/constructs/packaging.py).
"""

import importlib.metadata
import re
import shutil
import subprocess
import sys
from pathlib import Path

import aws_cdk as cdk
import jsii

from infra.runtime_python import PROVIDED_BY_LAMBDA_RUNTIME, compile_bytecode



@jsii.implements(cdk.ILocalBundling)
class PipInstall:
    """`pip install -r <requirements> -t <layer>/python` for the Lambda platform, not this one."""

    def __init__(self, requirements: Path, *, platform: str, python_version: str, bytecode_compiler: str | None):
        self._requirements = requirements
        self._platform = platform
        self._python_version = python_version
        self._bytecode_compiler = bytecode_compiler

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
                "--no-compile",  # pip would compile for this interpreter, not the runtime's
            ],
            check=True,
        )
        _remove_distributions(site_packages, PROVIDED_BY_LAMBDA_RUNTIME)
        if self._bytecode_compiler:
            compile_bytecode(site_packages, self._bytecode_compiler)
        # Never fall back to docker: a failed pip run has already raised.
        return True


@jsii.implements(cdk.ILocalBundling)
class CompiledCopy:
    """A copy of a source directory (less the `ignore` patterns), with its bytecode when given a compiler."""

    def __init__(self, source: Path, *, ignore: list[str], bytecode_compiler: str | None):
        self._source = source
        self._ignore = ignore
        self._bytecode_compiler = bytecode_compiler

    def try_bundle(self, output_dir: str, options) -> bool:
        shutil.copytree(self._source, output_dir, ignore=shutil.ignore_patterns(*self._ignore), dirs_exist_ok=True)
        if self._bytecode_compiler:
            compile_bytecode(Path(output_dir), self._bytecode_compiler)
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
