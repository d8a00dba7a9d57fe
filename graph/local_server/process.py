"""Launching, finding and stopping the server's JVM.

Why a detached process with a pid file: `marketgraph neo4j start` returns while the server
keeps running, and a later `stop` (another process) must find exactly that JVM. The pid alone
is not trusted (pids are reused): the process must also be a Neo4j entry point whose
`--home-dir` is this state dir, so a stale pid file can never make us signal a stranger.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections import deque
from typing import Any

import psutil

from graph.errors import Neo4jServerError
from graph.local_server.config import MIB, LocalPaths, memory_plan
from graph.local_server.java import JavaRuntime
from graph.local_server.models import InstallInfo
from graph.settings import Settings

log = logging.getLogger(__name__)

MAIN_CLASS = "org.neo4j.server.CommunityEntryPoint"
LOG_TAIL_LINES = 30
# JVM flags of the Neo4j tarball's `bin/neo4j console` that matter without its script.
_JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+DisableExplicitGC",
    "-XX:+ExitOnOutOfMemoryError",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
)

# Popen handles of servers this process started, so they are reaped (no zombies, no
# "subprocess still running" warnings) when this same process stops them, e.g. in tests.
_children: dict[int, subprocess.Popen[bytes]] = {}


def command(
    settings: Settings, java: JavaRuntime, install: InstallInfo, paths: LocalPaths
) -> list[str]:
    """The java command line; heap is fixed (-Xms = -Xmx) as Neo4j recommends."""
    heap, _ = memory_plan(settings)
    return [
        str(java.executable),
        f"-Xms{heap // MIB}m",
        f"-Xmx{heap // MIB}m",
        *_JVM_FLAGS,
        "-cp",
        install.classpath,
        MAIN_CLASS,
        f"--home-dir={paths.home}",
        f"--config-dir={paths.conf_dir}",
        "--console-mode",
    ]


def launch(argv: list[str], paths: LocalPaths) -> int:
    """Start the JVM in its own session (survives the CLI and Ctrl-C) and record its pid."""
    paths.run_dir.mkdir(parents=True, exist_ok=True)
    if paths.log_file.exists():
        paths.log_file.replace(paths.log_file.with_suffix(".log.1"))
    with paths.log_file.open("wb") as log_handle:
        child = subprocess.Popen(
            argv,
            cwd=paths.home,
            stdin=subprocess.DEVNULL,
            stdout=log_handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            close_fds=True,
        )
    _children[child.pid] = child
    tmp = paths.pid_file.with_suffix(".tmp")
    tmp.write_text(f"{child.pid}\n")
    tmp.replace(paths.pid_file)
    log.info("launched Neo4j (pid %d), console log %s", child.pid, paths.log_file)
    return child.pid


def running_pid(paths: LocalPaths) -> int | None:
    """The pid of this state dir's live server, removing a stale pid file on the way."""
    try:
        pid = int(paths.pid_file.read_text().strip())
    except FileNotFoundError:
        return None
    except ValueError:
        log.warning("unreadable pid file %s removed", paths.pid_file)
        paths.pid_file.unlink(missing_ok=True)
        return None
    if is_our_server(pid, paths):
        return pid
    log.info("removing stale pid file %s (pid %d is not our Neo4j)", paths.pid_file, pid)
    paths.pid_file.unlink(missing_ok=True)
    return None


def is_our_server(pid: int, paths: LocalPaths) -> bool:
    """Alive, not a zombie, and a Neo4j entry point for this home dir."""
    if _reaped(pid):
        return False
    try:
        proc = psutil.Process(pid)
        if proc.status() == psutil.STATUS_ZOMBIE:
            return False
        argv = proc.cmdline()
    except psutil.Error:
        return False
    return MAIN_CLASS in argv and f"--home-dir={paths.home}" in argv


def alive(pid: int) -> bool:
    """Whether the process still runs (a zombie counts as dead)."""
    if _reaped(pid):
        return False
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def terminate(pid: int, paths: LocalPaths, timeout_s: float) -> None:
    """SIGTERM (Neo4j shuts down cleanly), then SIGKILL after `timeout_s`; remove the pid file."""
    try:
        _signal(pid, signal.SIGTERM)
        if not _wait_gone(pid, timeout_s):
            log.warning("Neo4j (pid %d) ignored SIGTERM for %.0f s; killing it", pid, timeout_s)
            _signal(pid, signal.SIGKILL)
            if not _wait_gone(pid, 10):
                raise Neo4jServerError(f"Neo4j (pid {pid}) survived SIGKILL; check `ps {pid}`")
    finally:
        if not alive(pid):
            paths.pid_file.unlink(missing_ok=True)
            _children.pop(pid, None)


def _signal(pid: int, sig: signal.Signals) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass
    except PermissionError as exc:
        raise Neo4jServerError(f"Not allowed to signal Neo4j (pid {pid}): {exc}") from exc


def _wait_gone(pid: int, timeout_s: float) -> bool:
    child = _children.get(pid)
    if child is not None:
        try:
            child.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            return False
        return True
    try:
        psutil.Process(pid).wait(timeout=timeout_s)
    except psutil.NoSuchProcess:
        return True
    except psutil.TimeoutExpired:
        return not alive(pid)
    return True


def _reaped(pid: int) -> bool:
    """For our own children, poll() reaps an exited JVM so it is not mistaken for alive."""
    child = _children.get(pid)
    return child is not None and child.poll() is not None


def tail(path: os.PathLike[str] | str, lines: int = LOG_TAIL_LINES) -> str:
    """The last lines of a log file, for error messages; empty if there is none."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return "".join(deque(handle, maxlen=lines)).rstrip()
    except FileNotFoundError:
        return ""


def discovery(http_url: str, timeout_s: float = 1.0) -> dict[str, Any] | None:
    """The HTTP discovery document (`GET /`), or None while the server is not answering."""
    request = urllib.request.Request(http_url + "/", headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            body = json.load(response)
    except (OSError, ValueError, urllib.error.URLError):
        return None
    return body if isinstance(body, dict) else None


def wait_for_http(pid: int, http_url: str, paths: LocalPaths, deadline: float) -> dict[str, Any]:
    """Poll discovery until it answers; fail fast, with the log tail, if the JVM dies."""
    while True:
        found = discovery(http_url)
        if found is not None:
            return found
        if not alive(pid):
            paths.pid_file.unlink(missing_ok=True)
            _children.pop(pid, None)
            raise Neo4jServerError(
                f"Neo4j (pid {pid}) exited during start-up. Last lines of {paths.log_file}:\n"
                f"{tail(paths.log_file)}"
            )
        if time.monotonic() > deadline:
            raise StartTimeout(pid)
        time.sleep(0.25)


class StartTimeout(Exception):
    """Internal: the deadline passed while the JVM was still alive (the caller stops it)."""

    def __init__(self, pid: int) -> None:
        super().__init__(pid)
        self.pid = pid
