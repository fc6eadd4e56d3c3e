"""Benchmark: cold start, as the import of each Lambda function's handler module in a fresh
interpreter, as a ratio to a minimal Powertools REST handler with validation (bench/baseline_handler.py).

Each function is imported from the two trees Lambda would run it from, built here: the code asset
(`functions/`) and the dependency layer (the packages the handlers import from site-packages, less
those the runtime provides), as deployed with bytecode (compiled as infra/bundling.py does:
`infra.runtime_python.compile_bytecode`) and as deployed before, sources only (Lambda's code
directories are read-only: every such module is compiled on every cold start). Both run with
PYTHONDONTWRITEBYTECODE as on Lambda; the standard library and boto3 keep their bytecode (the
runtime's own). The baseline is imported from the repository, its bytecode cached; the goal is on the
first column. This interpreter compiles, so the figures are for its version (the runtime's may differ).

Several rounds, interleaved so the machine's load weighs on all alike; the median per module of the
CPU time the import took (the process's own: on this shared machine, wall time mostly measures the
other processes; an import is CPU-bound once its files are cached). The processes get the
environment a deployed function has (tracing as the stack configures it), no AWS access.
`--culprits` adds, per function, the packages its import spends most on beyond the baseline
(`python -X importtime`).

    make bench            (or: python -m bench.imports --rounds 9 --culprits)
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from casetrail.observability import DEPLOYED_ENVIRONMENT
from casetrail.topology import LAMBDA_HANDLERS
from infra.runtime_python import PROVIDED_BY_LAMBDA_RUNTIME, compile_bytecode

REPO_ROOT = Path(__file__).resolve().parents[1]
FUNCTIONS_DIR = REPO_ROOT / "functions"
BASELINE = "bench.baseline_handler"
GOAL_RATIO = 2.5
# Prints the CPU seconds the import of argv[1] took; nothing else runs in the process.
_TIMED_IMPORT = "import importlib,sys,time;t=time.process_time();importlib.import_module(sys.argv[1]);print(time.process_time()-t)"
# Prints {top-level name: [path to copy, distribution]} of what the modules in argv load from site-packages.
_LAYER_PACKAGES = """
import importlib, importlib.metadata, json, site, sys
at_start = set(sys.modules)  # the interpreter's own (site's .pth hooks among them)
for module in sys.argv[1:]:
    importlib.import_module(module)
site_dirs = tuple(site.getsitepackages())
distributions = importlib.metadata.packages_distributions()
layer = {}
for name, module in list(sys.modules.items()):
    spec = getattr(module, "__spec__", None)
    if "." in name or name in at_start or spec is None or not spec.origin or not spec.origin.startswith(site_dirs):
        continue
    path = spec.submodule_search_locations[0] if spec.submodule_search_locations else spec.origin
    layer[name] = [path, (distributions.get(name) or [name])[0]]
print(json.dumps(layer))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--culprits", action="store_true", help="what each import spends most on beyond the baseline")
    arguments = parser.parse_args()
    functions = sorted({handler.rpartition(".")[0] for handler in LAMBDA_HANDLERS})
    with tempfile.TemporaryDirectory(prefix="bench-imports-") as scratch:
        compiled = deployed_trees(Path(scratch) / "bytecode", functions, with_bytecode=True)
        sources = deployed_trees(Path(scratch) / "sources", functions, with_bytecode=False)
        runs = {(BASELINE, "repository"): repository_environment()}
        for module in functions:
            runs[(module, "bytecode")] = compiled
            runs[(module, "sources")] = sources
        medians = import_times(runs, arguments.rounds)
    baseline = medians[(BASELINE, "repository")]
    print(f"\nImport of each function's handler module, fresh interpreter, CPU time, median of {arguments.rounds}; "
          f"baseline {baseline * 1000:.0f} ms; load average {', '.join(f'{load:.1f}' for load in os.getloadavg())}")
    print(f"{'module':45} {'with bytecode':>20} {'sources only':>20}")
    print(f"{'':45} {'ms':>9} {'x baseline':>10} {'ms':>9} {'x baseline':>10}")
    for module in functions:
        with_bytecode, sources_only = medians[(module, "bytecode")], medians[(module, "sources")]
        print(f"{module:45} {with_bytecode * 1000:9.0f} {with_bytecode / baseline:10.2f} "
              f"{sources_only * 1000:9.0f} {sources_only / baseline:10.2f}")
    worst = max(medians[(m, "bytecode")] / baseline for m in functions)
    saved = statistics.median(1 - medians[(m, "bytecode")] / medians[(m, "sources")] for m in functions)
    print(f"worst ratio {worst:.2f} with bytecode (goal: at most {GOAL_RATIO}); bytecode saves {saved:.0%} (median)")
    if arguments.culprits:
        baseline_modules = set(_import_profile(BASELINE))
        for module in functions:
            print(f"\n{module}: beyond the baseline, self time by package")
            for package, seconds in _culprits(module, baseline_modules):
                print(f"   {seconds * 1000:6.0f} ms  {package}")


def lambda_environment() -> dict[str, str]:
    """What a deployed function's process has that matters to imports: the Lambda markers Powertools
    looks for (its Tracer is on only inside Lambda) and the stack's Powertools settings."""
    keep = {"PATH", "HOME", "LANG", "SYSTEMROOT"}
    return {
        **{name: value for name, value in os.environ.items() if name in keep},
        "PYTHONPATH": os.pathsep.join([str(FUNCTIONS_DIR), str(REPO_ROOT)]),
        "LAMBDA_TASK_ROOT": str(FUNCTIONS_DIR),
        "AWS_LAMBDA_FUNCTION_NAME": "casetrail-bench",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        **DEPLOYED_ENVIRONMENT,
    }


def repository_environment() -> tuple[dict[str, str], Path]:
    return lambda_environment(), REPO_ROOT


def deployed_trees(root: Path, functions: list[str], *, with_bytecode: bool) -> tuple[dict[str, str], Path]:
    """`task/` (the code asset) and `opt/python/` (the layer) as Lambda mounts them, and the
    environment that imports from them first."""
    task, layer = root / "task", root / "opt" / "python"
    shutil.copytree(FUNCTIONS_DIR, task, ignore=shutil.ignore_patterns("requirements.txt", "__pycache__", "*.pyc"))
    completed = subprocess.run(
        [sys.executable, "-c", _LAYER_PACKAGES, *functions],
        cwd=REPO_ROOT, env=lambda_environment(), capture_output=True, text=True, check=True,
    )
    for name, (path, distribution) in json.loads(completed.stdout).items():
        if _normalized(distribution) in PROVIDED_BY_LAMBDA_RUNTIME:
            continue
        source = Path(path)
        if source.is_dir():
            shutil.copytree(source, layer / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            layer.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, layer / source.name)
    if with_bytecode:
        compile_bytecode(task, sys.executable)
        compile_bytecode(layer, sys.executable)
    environment = {
        **lambda_environment(),
        "PYTHONPATH": os.pathsep.join([str(task), str(layer)]),
        "LAMBDA_TASK_ROOT": str(task),
        "PYTHONDONTWRITEBYTECODE": "1",  # Lambda's directories are read-only
    }
    return environment, task


def import_times(runs: dict[tuple[str, str], tuple[dict[str, str], Path]], rounds: int) -> dict[tuple[str, str], float]:
    for (module, _), (environment, cwd) in runs.items():  # once each unmeasured: files in the page cache
        _timed_import(module, environment, cwd)
    samples: dict[tuple[str, str], list[float]] = defaultdict(list)
    for _ in range(rounds):
        for run, (environment, cwd) in runs.items():
            samples[run].append(_timed_import(run[0], environment, cwd))
    return {run: statistics.median(values) for run, values in samples.items()}


def _timed_import(module: str, environment: dict[str, str], cwd: Path) -> float:
    completed = subprocess.run(
        [sys.executable, "-c", _TIMED_IMPORT, module], cwd=cwd, env=environment, capture_output=True, text=True, check=True,
    )
    return float(completed.stdout.strip().splitlines()[-1])


def _normalized(distribution_name: str) -> str:
    return distribution_name.replace("_", "-").replace(".", "-").lower()


def _import_profile(module: str) -> dict[str, int]:
    """Self microseconds per imported module (`-X importtime`)."""
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        cwd=REPO_ROOT, env=lambda_environment(), capture_output=True, text=True, check=True,
    )
    profile = {}
    for line in completed.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _, name = line.removeprefix("import time:").split("|")
        profile[name.strip()] = int(self_us)
    return profile


def _culprits(module: str, baseline_modules: set[str], top: int = 6) -> list[tuple[str, float]]:
    by_package: dict[str, int] = defaultdict(int)
    for name, self_us in _import_profile(module).items():
        if name not in baseline_modules:
            parts = name.split(".")
            by_package[".".join(parts[:2] if parts[0] == "casetrail" else parts[:1])] += self_us
    ranked = sorted(by_package.items(), key=lambda item: -item[1])[:top]
    return [(package, us / 1e6) for package, us in ranked]


if __name__ == "__main__":
    main()
