"""Benchmark: cold start, as the import of each Lambda function's handler module in a fresh
interpreter, as a ratio to a minimal Powertools REST handler with validation (bench/baseline_handler.py).

Each module is imported in its own new Python process (the Lambda init phase's import, bytecode
cached), several rounds interleaved so the machine's load weighs on all alike; the median per module
of the CPU time the import took (the process's own: on this shared machine, wall time mostly
measures the other processes; an import is CPU-bound once its files are cached).
The processes get the environment a deployed function has (tracing as the stack configures it), no
AWS access. `--culprits` adds, per function, the packages its import spends most on beyond the
baseline (`python -X importtime`).

    make bench            (or: python -m bench.imports --rounds 9 --culprits)
"""

import argparse
import os
import statistics
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from casetrail.observability import DEPLOYED_ENVIRONMENT
from casetrail.topology import LAMBDA_HANDLERS

REPO_ROOT = Path(__file__).resolve().parents[1]
BASELINE = "bench.baseline_handler"
GOAL_RATIO = 2.5
# Prints the CPU seconds the import of argv[1] took; nothing else runs in the process.
_TIMED_IMPORT = "import importlib,sys,time;t=time.process_time();importlib.import_module(sys.argv[1]);print(time.process_time()-t)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--culprits", action="store_true", help="what each import spends most on beyond the baseline")
    arguments = parser.parse_args()
    modules = [BASELINE, *sorted({handler.rpartition(".")[0] for handler in LAMBDA_HANDLERS})]
    medians = import_times(modules, arguments.rounds)
    baseline = medians[BASELINE]
    print(f"\nImport of each function's handler module, fresh interpreter, CPU time, median of {arguments.rounds}")
    print(f"{'module':50} {'ms':>7} {'x baseline':>10}")
    for module in modules:
        print(f"{module:50} {medians[module] * 1000:7.0f} {medians[module] / baseline:10.2f}")
    worst = max(medians[m] / baseline for m in modules if m != BASELINE)
    print(f"worst ratio {worst:.2f} (goal: at most {GOAL_RATIO})")
    if arguments.culprits:
        baseline_modules = set(_import_profile(BASELINE))
        for module in modules[1:]:
            print(f"\n{module}: beyond the baseline, self time by package")
            for package, seconds in _culprits(module, baseline_modules):
                print(f"   {seconds * 1000:6.0f} ms  {package}")


def lambda_environment() -> dict[str, str]:
    """What a deployed function's process has that matters to imports: the Lambda markers Powertools
    looks for (its Tracer is on only inside Lambda) and the stack's Powertools settings."""
    keep = {"PATH", "HOME", "LANG", "SYSTEMROOT"}
    return {
        **{name: value for name, value in os.environ.items() if name in keep},
        "PYTHONPATH": os.pathsep.join([str(REPO_ROOT / "functions"), str(REPO_ROOT)]),
        "LAMBDA_TASK_ROOT": str(REPO_ROOT / "functions"),
        "AWS_LAMBDA_FUNCTION_NAME": "casetrail-bench",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        **DEPLOYED_ENVIRONMENT,
    }


def import_times(modules: list[str], rounds: int) -> dict[str, float]:
    environment = lambda_environment()
    for module in modules:  # once each unmeasured: bytecode compiled and cached, files in the page cache
        _timed_import(module, environment)
    samples: dict[str, list[float]] = defaultdict(list)
    for _ in range(rounds):
        for module in modules:
            samples[module].append(_timed_import(module, environment))
    return {module: statistics.median(values) for module, values in samples.items()}


def _timed_import(module: str, environment: dict[str, str]) -> float:
    completed = subprocess.run(
        [sys.executable, "-c", _TIMED_IMPORT, module],
        cwd=REPO_ROOT, env=environment, capture_output=True, text=True, check=True,
    )
    return float(completed.stdout.strip().splitlines()[-1])


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
