"""docker-compose.yml stays a valid Compose file (for users who run Neo4j under Docker).

Checked with whichever Compose CLI the machine has (`docker compose` v2 or `docker-compose`);
CI installs Debian's `docker-compose`. No container is started: there is no Docker engine here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

COMPOSE_FILE = Path(__file__).resolve().parent.parent / "docker-compose.yml"


def _compose_command() -> list[str] | None:
    docker = shutil.which("docker")
    if (
        docker
        and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0
    ):
        return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


def test_compose_file_is_valid() -> None:
    command = _compose_command()
    if command is None:
        pytest.skip("no Compose CLI on this machine (CI installs one)")
    env = {**os.environ, "NEO4J_PASSWORD": "compose-check-only"}
    result = subprocess.run(
        [*command, "-f", str(COMPOSE_FILE), "config"], capture_output=True, text=True, env=env
    )
    assert result.returncode == 0, result.stderr
    assert "neo4j:5.26-community" in result.stdout
    assert "apoc" in result.stdout


def test_compose_requires_a_password() -> None:
    command = _compose_command()
    if command is None:
        pytest.skip("no Compose CLI on this machine (CI installs one)")
    env = {k: v for k, v in os.environ.items() if k != "NEO4J_PASSWORD"}
    result = subprocess.run(
        [*command, "-f", str(COMPOSE_FILE), "config"], capture_output=True, text=True, env=env
    )
    assert result.returncode != 0
    assert "NEO4J_PASSWORD" in result.stdout + result.stderr
