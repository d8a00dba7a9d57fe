"""Choosing a Java runtime that Neo4j 5.26 accepts.

Why not just run `java` from PATH: machines here carry several JDKs (OpenJDK 17 beside a
Temurin 25) and Neo4j 5.26 only supports Java 17 and 21; a wrong one fails late and obscurely
(class-file or module errors deep in the server log). We pick one explicitly, in this order:

1. `settings.java_home` (`MARKETGRAPH_JAVA_HOME`, or `JAVA_HOME` through the settings alias):
   the user chose it, so an unusable one is an error, never silently replaced;
2. the `JAVA_HOME` environment variable (only reached when settings were built without it);
3. JDKs under `/usr/lib/jvm/`, newest supported first;
4. `java` on PATH.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from graph.errors import Neo4jServerError
from graph.settings import Settings

log = logging.getLogger(__name__)

SUPPORTED_MAJORS = (17, 21)
JVM_ROOT = Path("/usr/lib/jvm")
_VERSION_RE = re.compile(r'version "(\d+)(?:\.(\d+))?[^"]*"')


@dataclass(frozen=True, slots=True)
class JavaRuntime:
    """One `java` executable and what it reported about itself."""

    executable: Path
    major: int
    version_line: str
    source: str
    """Where it was found, for messages: "MARKETGRAPH_JAVA_HOME", "/usr/lib/jvm", "PATH"..."""

    @property
    def home(self) -> Path:
        """JAVA_HOME for child processes (Maven), derived from `<home>/bin/java`."""
        return self.executable.resolve().parent.parent


def find_java(settings: Settings) -> JavaRuntime:
    """The Java to run Neo4j with, or a `Neo4jServerError` saying what was found and what to do."""
    if settings.java_home is not None:
        runtime = _probe_home(settings.java_home, "MARKETGRAPH_JAVA_HOME/JAVA_HOME")
        if runtime is None:
            raise Neo4jServerError(
                f"No java executable at {settings.java_home}/bin/java (from MARKETGRAPH_JAVA_HOME "
                f"or JAVA_HOME). {_advice()}"
            )
        if runtime.major not in SUPPORTED_MAJORS:
            raise Neo4jServerError(
                f"{runtime.executable} (from MARKETGRAPH_JAVA_HOME or JAVA_HOME) is Java "
                f"{runtime.major} ({runtime.version_line}); Neo4j 5.26 needs Java 17 or 21. "
                f"{_advice()}"
            )
        return runtime

    rejected: list[JavaRuntime] = []
    for runtime in _candidates():
        if runtime.major in SUPPORTED_MAJORS:
            log.debug("using Java %s at %s (%s)", runtime.major, runtime.executable, runtime.source)
            return runtime
        rejected.append(runtime)
    found = "; ".join(f"Java {r.major} at {r.executable} ({r.source})" for r in rejected)
    raise Neo4jServerError(
        "No Java 17 or 21 found for Neo4j 5.26"
        + (f" (found only: {found})" if found else " (no java at all)")
        + ". Install one (Debian: `apt-get install openjdk-17-jre-headless`) and, if it is not "
        "under /usr/lib/jvm, set MARKETGRAPH_JAVA_HOME to its directory."
    )


def _candidates() -> list[JavaRuntime]:
    """Every java we may use, in preference order, each executable probed once."""
    found: list[JavaRuntime] = []
    seen: set[Path] = set()

    def add(runtime: JavaRuntime | None) -> None:
        if runtime is not None and runtime.executable.resolve() not in seen:
            seen.add(runtime.executable.resolve())
            found.append(runtime)

    env_home = os.environ.get("JAVA_HOME")
    if env_home:
        add(_probe_home(Path(env_home), "JAVA_HOME"))
    if JVM_ROOT.is_dir():
        jvms = [_probe_home(p, str(JVM_ROOT)) for p in sorted(JVM_ROOT.iterdir()) if p.is_dir()]
        supported_first = sorted(
            (r for r in jvms if r is not None),
            key=lambda r: (r.major not in SUPPORTED_MAJORS, -r.major),
        )
        for runtime in supported_first:
            add(runtime)
    on_path = shutil.which("java")
    if on_path:
        add(_probe(Path(on_path), "PATH"))
    return found


def _advice() -> str:
    usable = [r for r in _candidates() if r.major in SUPPORTED_MAJORS]
    if usable:
        return (
            f"Set MARKETGRAPH_JAVA_HOME={usable[0].home} (a Java {usable[0].major} found on this "
            "machine), or unset it to let marketgraph pick one."
        )
    return "Install Java 17 or 21 and set MARKETGRAPH_JAVA_HOME to its directory."


def _probe_home(home: Path, source: str) -> JavaRuntime | None:
    executable = home.expanduser() / "bin" / "java"
    if not (executable.is_file() and os.access(executable, os.X_OK)):
        return None
    return _probe(executable, source)


def _probe(executable: Path, source: str) -> JavaRuntime | None:
    parsed = _version_of(str(executable.resolve()))
    if parsed is None:
        return None
    major, line = parsed
    return JavaRuntime(executable=executable, major=major, version_line=line, source=source)


@lru_cache(maxsize=32)
def _version_of(executable: str) -> tuple[int, str] | None:
    """(major, first line) from `java -version`; cached because each call starts a JVM."""
    try:
        done = subprocess.run(
            [executable, "-version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.warning("could not run %s -version: %s", executable, exc)
        return None
    return parse_java_version(done.stderr + done.stdout)


def parse_java_version(output: str) -> tuple[int, str] | None:
    """Major version from `java -version` output: `"17.0.15"` -> 17, old `"1.8.0_292"` -> 8."""
    match = _VERSION_RE.search(output)
    if match is None:
        return None
    first = int(match.group(1))
    major = int(match.group(2)) if first == 1 and match.group(2) else first
    line = output.strip().splitlines()[0] if output.strip() else ""
    return major, line
