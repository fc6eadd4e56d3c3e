"""Builds the code asset and the dependency layer on this machine, so `cdk synth` needs no docker.

Both ship the bytecode of the Lambda runtime's Python: Lambda's code directories are read-only, so a
module without a matching `.pyc` is compiled again on every cold start (bench.imports measures what
that costs). Bytecode is version-specific (`__pycache__/*.cpython-312.pyc` is read only by 3.12), so
it is compiled by an interpreter of the runtime's version: this one when it is that version, else
`python3.12` (say) on PATH; with neither, the assets carry sources only, as before, and synth warns.
"""

import importlib.metadata
import re
import shutil
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


def bytecode_compiler(python_version: str) -> str | None:
    """An interpreter of `python_version` ("3.12") to compile the runtime's bytecode with, or None."""
    for candidate in (sys.executable, shutil.which(f"python{python_version}")):
        if candidate and _version_of(candidate) == python_version:
            return candidate
    return None


def compile_bytecode(directory: Path, interpreter: str) -> None:
    """`__pycache__/*.pyc` next to every module of `directory`. `unchecked-hash`: the loader trusts
    the .pyc without comparing it to the source (they ship together; the asset's zip keeps no
    timestamps for a timestamp check anyway, and there is one stat less per import). File names are
    recorded relative to `directory` (`-s`), so the same sources always give the same bytes, and
    the asset's hash only changes with them."""
    subprocess.run(
        [interpreter, "-m", "compileall", "-q", "--invalidation-mode", "unchecked-hash", "-s", str(directory), str(directory)],
        check=True,
    )


def _version_of(interpreter: str) -> str | None:
    try:
        completed = subprocess.run(
            [interpreter, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True, text=True, timeout=60,
        )
    except OSError:
        return None
    # A pyenv shim of a version that is installed but not selected exits with an error.
    return completed.stdout.strip() if completed.returncode == 0 else None


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
