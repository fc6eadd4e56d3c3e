"""The admin command as a user meets it: its entry point, and what it says when `make run` is not up."""

import socket
import tomllib
from importlib import import_module
from pathlib import Path

import pytest

from casetrail import admin

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def test_the_package_installs_a_casetrail_admin_command_running_the_admin_main():
    scripts = tomllib.loads(PYPROJECT.read_text())["project"]["scripts"]

    module, function = scripts["casetrail-admin"].split(":")

    assert getattr(import_module(module), function) is admin.main


def _a_port_nothing_listens_on() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_local_commands_say_how_to_reach_the_runner_when_it_is_not_running(monkeypatch):
    # Given no local runner at MOTO_PORT
    monkeypatch.setenv("MOTO_PORT", str(_a_port_nothing_listens_on()))

    # When a --local command runs
    with pytest.raises(SystemExit) as exited:
        admin.main(["--local", "list-keys", "--tenant", "demo"])

    # Then it stops at once, naming the cause and the fix
    message = str(exited.value.code)
    assert "make run" in message and "MOTO_PORT" in message
