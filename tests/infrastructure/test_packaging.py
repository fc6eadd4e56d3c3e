"""The code asset ships the bytecode of the runtime's Python, so Lambda (whose code directory is
read-only) does not compile every module it imports on each cold start.

The tests' synth skips bundling (conftest.py), so the code asset's local bundling runs here on its
own, with this interpreter standing in for the runtime's: the same steps, this Python's tag. The
layer's bundling (pip from PyPI) compiles with the same function and is not run here."""

import importlib.util
import sys
from pathlib import Path

from casetrail.topology import LAMBDA_HANDLERS
from infra import bundling
from infra.runtime_python import bytecode_compiler
from infra.constructs.packaging import FUNCTIONS_DIR, NOT_CODE, PYTHON_VERSION
from tests.infrastructure.resources import casetrail_functions

THIS_PYTHON = "%d.%d" % sys.version_info[:2]


def bundle_code(output_dir: Path, compiler: str | None) -> Path:
    bundling.CompiledCopy(FUNCTIONS_DIR, ignore=NOT_CODE, bytecode_compiler=compiler).try_bundle(str(output_dir), None)
    return output_dir


def handler_sources(asset: Path) -> list[Path]:
    return [asset / (handler.rpartition(".")[0].replace(".", "/") + ".py") for handler in LAMBDA_HANDLERS]


def test_the_code_asset_carries_unchecked_bytecode_for_every_handler_module(tmp_path):
    asset = bundle_code(tmp_path, bytecode_compiler(THIS_PYTHON))

    for source in handler_sources(asset):
        bytecode = Path(importlib.util.cache_from_source(str(source)))  # __pycache__/<module>.<this tag>.pyc
        assert bytecode.is_file(), source
        flags = int.from_bytes(bytecode.read_bytes()[4:8], "little")
        assert flags == 0b01  # PEP 552: hash-based, not checked against the source (no read, no hash per import)
    assert not (asset / "requirements.txt").exists()


def test_the_same_sources_compile_to_the_same_asset(tmp_path):
    # The asset is hashed as shipped: bytes that differed from one synth to the next would redeploy every function.
    compiler = bytecode_compiler(THIS_PYTHON)
    first, second = bundle_code(tmp_path / "first", compiler), bundle_code(tmp_path / "second", compiler)

    for source in handler_sources(first):
        bytecode = Path(importlib.util.cache_from_source(str(source)))
        assert bytecode.read_bytes() == (second / bytecode.relative_to(first)).read_bytes()


def test_without_an_interpreter_of_the_runtimes_python_the_asset_carries_sources_only(tmp_path):
    compiler = bytecode_compiler("2.0")  # no such interpreter here: its bytecode Lambda would ignore anyway

    asset = bundle_code(tmp_path, compiler)

    assert compiler is None
    assert all(source.is_file() for source in handler_sources(asset))
    assert not list(asset.rglob("*.pyc")) and not list(asset.rglob("__pycache__"))


def test_the_bytecode_is_compiled_for_the_python_the_functions_run(template):
    for function in casetrail_functions(template).values():
        assert function["Properties"]["Runtime"] == f"python{PYTHON_VERSION}"
