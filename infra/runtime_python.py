"""The Lambda Python runtime as Casetrail's packaging sees it: what it provides, and the bytecode
it reads. No CDK here: bench.imports builds the same code and layer trees with these.

Lambda's code directories are read-only, so a module without a matching `.pyc` is compiled again on
every cold start (bench.imports measures what that costs). Bytecode is version-specific
(`__pycache__/*.cpython-312.pyc` is read by 3.12 alone), so it is compiled by an interpreter of the
runtime's version: this one when it is that version, else `python3.12` (say) on PATH."""

import shutil
import subprocess
import sys
from pathlib import Path

# The AWS SDK and its own dependencies ship with the Lambda Python runtime. aws-xray-sdk pulls
# botocore in anyway (30 of the layer's 45 MB); leaving it out also keeps boto3 and botocore at the
# versions the runtime tested together.
PROVIDED_BY_LAMBDA_RUNTIME = frozenset({"boto3", "botocore", "s3transfer", "python-dateutil", "six", "urllib3"})


def bytecode_compiler(python_version: str) -> str | None:
    """An interpreter of `python_version` ("3.12") to compile the runtime's bytecode with, or None."""
    for candidate in (sys.executable, shutil.which(f"python{python_version}")):
        if candidate and _version_of(candidate) == python_version:
            return candidate
    return None


def compile_bytecode(directory: Path, interpreter: str) -> None:
    """`__pycache__/*.pyc` next to every module of `directory`. `unchecked-hash`: the loader uses
    the .pyc without reading the source to compare (they ship together), and the asset's zip keeps
    no timestamps a default, timestamp-checked .pyc would need to match. File names are recorded
    relative to `directory` (`-s`; the loader sets the real path on import), so the same sources
    always compile to the same bytes and the asset's hash changes with them only."""
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
