"""Every shell example of the README runs as written, in document order, against `make run`.

Which blocks run: a fenced block whose info string is exactly `sh` runs; one whose info string is
`sh skip` is shown but not run (it cannot run here: `make run` itself, deploying, commands against
a deployed stack); blocks in other languages (json, python, text diagrams) and indented blocks are
not shell examples and are not run, so a shell example must be a fenced `sh` block.

How they run: all runnable blocks, in order, as one bash script (a variable one block sets is
there for the next), with `set -euo pipefail`, in the repository's root, against a runner this
test starts, with `KEY` exported to its demo key and `API` to its URL (the README defaults `API`
to http://127.0.0.1:3000, `make run`'s address), and `MOTO_PORT` to its emulation's port (for
`casetrail.admin --local`). `curl` fails on any HTTP error (it runs with --fail-with-body), so an
example that shows an expected error says so with `|| true`. The first command that fails ends the
run, and the failure names its block, its README line and the command.
"""

import os
import re
import subprocess
from dataclasses import dataclass

import pytest

from tests.e2e.local_runner import REPO_ROOT, local_runner

pytestmark = pytest.mark.e2e

README = REPO_ROOT / "README.md"
RUNNABLE, SKIPPED = "sh", "sh skip"
SCRIPT_TIMEOUT_SECONDS = 300
_FENCE = re.compile(r"^```(.*)$")

# errtrace: the trap also fires inside the curl function, where the caller's line is BASH_LINENO[0].
_PREAMBLE = """\
set -Eeuo pipefail
curl() { command curl --fail-with-body --show-error "$@"; }
trap 'status=$?; if (( ${#FUNCNAME[@]} )); then line=${BASH_LINENO[0]}; else line=$LINENO; fi; echo "__README_FAILED__ $line $status" >&2; exit $status' ERR
"""
_UNBOUND = re.compile(r"^bash: line (\d+): (\S+): unbound variable", re.MULTILINE)


@dataclass(frozen=True)
class Block:
    number: int  # 1-based, among all fenced blocks of the README
    first_line: int  # README line of the block's first command
    info: str
    lines: list[str]


def fenced_blocks(text: str) -> list[Block]:
    blocks, opened, info, body = [], None, "", []
    for number, line in enumerate(text.splitlines(), start=1):
        fence = _FENCE.match(line)
        if fence and opened is None:
            opened, info, body = number, fence.group(1).strip(), []
        elif fence and line.strip() == "```":
            blocks.append(Block(len(blocks) + 1, opened + 1, info, body))
            opened = None
        elif opened is not None:
            body.append(line)
    assert opened is None, f"README.md line {opened}: a fenced block is never closed"
    return blocks


def runnable_blocks(text: str) -> list[Block]:
    blocks = fenced_blocks(text)
    unknown = [b for b in blocks if b.info.startswith("sh") and b.info not in (RUNNABLE, SKIPPED)]
    assert not unknown, "shell blocks must be marked `sh` (runs) or `sh skip` (shown only): " + ", ".join(
        f"block {b.number} at README.md line {b.first_line - 1} is `{b.info}`" for b in unknown
    )
    return [b for b in blocks if b.info == RUNNABLE]


def script_of(blocks: list[Block]) -> tuple[str, dict[int, tuple[Block, int]]]:
    """The bash script, and for each of its lines the block and README line it came from."""
    lines, origin = _PREAMBLE.splitlines(), {}
    for block in blocks:
        lines.append(f"echo; echo '### README.md block {block.number}, line {block.first_line}'")
        for offset, line in enumerate(block.lines):
            lines.append(line)
            origin[len(lines)] = (block, block.first_line + offset)
    return "\n".join(lines) + "\n", origin


def test_the_readme_has_runnable_examples_and_marks_the_others():
    blocks = runnable_blocks(README.read_text())

    assert len(blocks) >= 5
    assert any("API=${API:-" in line for line in blocks[0].lines), "the first runnable block defines API"


def test_every_readme_shell_example_runs_as_written():
    blocks = runnable_blocks(README.read_text())
    script, origin = script_of(blocks)
    with local_runner() as runner:
        environment = {
            **os.environ,
            "KEY": runner.api_key,
            "API": runner.url,
            "MOTO_PORT": str(runner.moto_port),
            "PYTHONPATH": os.pathsep.join(["functions", "."]),  # this checkout's code for `casetrail.admin`
        }
        result = subprocess.run(
            ["bash", "-c", script], cwd=REPO_ROOT, env=environment, capture_output=True, text=True, timeout=SCRIPT_TIMEOUT_SECONDS
        )
    if result.returncode != 0:
        pytest.fail(_explain(result, origin, script), pytrace=False)


def _explain(result: subprocess.CompletedProcess, origin: dict[int, tuple[Block, int]], script: str) -> str:
    marker = re.search(r"__README_FAILED__ (\d+) (\d+)", result.stderr)
    unbound = _UNBOUND.search(result.stderr)
    where = f"an unknown line (exit code {result.returncode})"
    if marker or unbound:
        script_line = int((marker or unbound).group(1))
        exit_code = marker.group(2) if marker else f"{result.returncode} ({unbound.group(2)} is not defined)"
        block, readme_line = origin.get(script_line, (None, None))
        command = script.splitlines()[script_line - 1].strip()
        where = (
            f"README.md block {block.number} (starting line {block.first_line}), line {readme_line}, exit code {exit_code}:\n    {command}"
            if block
            else f"script line {script_line}, exit code {exit_code}"
        )
    stderr = "\n".join(line for line in result.stderr.splitlines() if "__README_FAILED__" not in line)
    return f"A README example failed at {where}\n--- stderr ---\n{stderr[-3000:]}\n--- stdout (end) ---\n{result.stdout[-1500:]}"
