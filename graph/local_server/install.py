"""Fetching the Neo4j Community server, Browser and APOC jars from Maven Central.

Why Maven: there is no Docker engine, no Debian package and no PyPI wheel for the server on
these machines, but Maven Central carries every jar the Community tarball is made of, and
Maven already knows how to resolve the ~200 transitive dependencies. The jars go to the
machine-wide cache (`<cache_dir>/neo4j/<version>/{lib,plugins}`), never into the repository,
so every checkout and every test run shares one 130 MB download.

A JSON marker is written only after a complete install; anything without it (an interrupted
download, a killed process) is wiped and fetched again. A file lock keeps two processes
(parallel test workers, two terminals) from installing into the same folder at once.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from graph.errors import Neo4jServerError
from graph.local_server.java import JavaRuntime, find_java
from graph.local_server.models import InstallInfo
from graph.settings import Settings

log = logging.getLogger(__name__)

MARKER = ".installed.json"
DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies"
MVN_TIMEOUT_S = 1800
_JAR_RE = re.compile(r"^(?P<artifact>.+?)-(?P<version>\d[^/]*)\.jar$")

Progress = Callable[[str], None]


def install_root(settings: Settings) -> Path:
    """`<cache_dir>/neo4j/<version>`: one folder per server version, shared machine-wide."""
    return settings.cache_dir / "neo4j" / settings.neo4j_version


def installed(settings: Settings) -> InstallInfo | None:
    """The cached install if it is complete and matches the settings, else None (no I/O heavy)."""
    root = install_root(settings)
    try:
        marker = json.loads((root / MARKER).read_text())
    except (OSError, ValueError):
        return None
    expected = {
        "neo4j_version": settings.neo4j_version,
        "browser_version": settings.neo4j_browser_version,
    }
    if any(marker.get(key) != value for key, value in expected.items()):
        return None
    lib, plugins = root / "lib", root / "plugins"
    if _jars(lib) != marker.get("lib_jars") or _jars(plugins) != marker.get("plugin_jars"):
        log.warning("Neo4j cache at %s was modified since install; reinstalling", root)
        return None
    return _info(settings, downloaded=False, seconds=0.0, size=int(marker.get("size_bytes", 0)))


def install(settings: Settings, progress: Progress | None = None) -> InstallInfo:
    """Make sure the Neo4j jars are in the cache; a fast no-op when they already are.

    External servers (`NEO4J_URI` set) need nothing local, so nothing is fetched for them.
    """
    say = progress or (lambda message: log.info("%s", message))
    if settings.uses_external_neo4j:
        raise Neo4jServerError(
            f"NEO4J_URI is set ({settings.neo4j_uri}): marketgraph uses that server and installs "
            "no local one. Unset NEO4J_URI / MARKETGRAPH_NEO4J_URI to use a local server."
        )
    cached = installed(settings)
    if cached is not None:
        return cached
    root = install_root(settings)
    root.parent.mkdir(parents=True, exist_ok=True)
    with file_lock(root.parent / f"{settings.neo4j_version}.lock"):
        cached = installed(settings)  # another process may have finished while we waited
        if cached is not None:
            return cached
        return _fetch(settings, root, say)


def _fetch(settings: Settings, root: Path, say: Progress) -> InstallInfo:
    started = time.monotonic()
    mvn = shutil.which("mvn")
    if mvn is None:
        raise Neo4jServerError(
            "Maven (`mvn`) is needed once to download Neo4j from Maven Central but is not on "
            "PATH. Install it (Debian: `apt-get install maven`) and retry."
        )
    java = find_java(settings)
    (root / MARKER).unlink(missing_ok=True)
    for folder in ("lib", "plugins"):
        shutil.rmtree(root / folder, ignore_errors=True)
    root.mkdir(parents=True, exist_ok=True)

    say(
        f"Downloading Neo4j Community {settings.neo4j_version} and Browser "
        f"{settings.neo4j_browser_version} with Maven into {root} (first time only, ~1 min)..."
    )
    _copy_dependencies(mvn, java, _write_pom(settings, root, "pom-server.xml"), root / "lib")
    say(f"Downloading APOC Core {settings.neo4j_version}...")
    _copy_dependencies(mvn, java, _write_pom(settings, root, "pom-apoc.xml"), root / "plugins")
    removed = _drop_duplicates(root / "lib", root / "plugins")
    log.debug("removed plugin jars already in lib: %s", removed)
    _check_complete(settings, root)

    size = sum(p.stat().st_size for p in (root / "lib").glob("*.jar"))
    size += sum(p.stat().st_size for p in (root / "plugins").glob("*.jar"))
    marker: dict[str, Any] = {
        "neo4j_version": settings.neo4j_version,
        "browser_version": settings.neo4j_browser_version,
        "lib_jars": _jars(root / "lib"),
        "plugin_jars": _jars(root / "plugins"),
        "size_bytes": size,
        "installed_at": datetime.now(UTC).isoformat(),
    }
    tmp = root / f"{MARKER}.tmp"
    tmp.write_text(json.dumps(marker, indent=2))
    tmp.replace(root / MARKER)
    seconds = time.monotonic() - started
    info = _info(settings, downloaded=True, seconds=seconds, size=size)
    say(
        f"Neo4j {settings.neo4j_version} installed: {info.jar_count} jars, "
        f"{size / 2**20:.0f} MiB in {seconds:.0f} s"
    )
    return info


def _write_pom(settings: Settings, root: Path, template: str) -> Path:
    text = resources.files("graph.local_server").joinpath(template).read_text(encoding="utf-8")
    text = text.replace("@NEO4J_VERSION@", settings.neo4j_version)
    text = text.replace("@BROWSER_VERSION@", settings.neo4j_browser_version)
    pom = root / template
    pom.write_text(text, encoding="utf-8")
    return pom


def _copy_dependencies(mvn: str, java: JavaRuntime, pom: Path, output_dir: Path) -> None:
    command = [
        mvn,
        "-B",
        "-q",
        "-f",
        str(pom),
        DEPENDENCY_PLUGIN,
        f"-DoutputDirectory={output_dir}",
        "-DincludeScope=runtime",
        "-Dstyle.color=never",
    ]
    env = {**os.environ, "JAVA_HOME": str(java.home)}
    log.debug("running %s", " ".join(command))
    try:
        done = subprocess.run(
            command,
            cwd=pom.parent,
            env=env,
            capture_output=True,
            text=True,
            timeout=MVN_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise Neo4jServerError(
            f"Maven did not finish downloading Neo4j within {MVN_TIMEOUT_S} s; is the network "
            "to Maven Central (https://repo.maven.apache.org) very slow? Retry later."
        ) from exc
    if done.returncode != 0:
        output = [line for line in (done.stdout + done.stderr).splitlines() if _useful(line)]
        tail = "\n".join(output[-25:])
        unreachable = any(
            hint in tail
            for hint in (
                "Could not transfer",
                "Unknown host",
                "Connection refused",
                "Network is unreachable",
                "timed out",
                "Could not resolve",
            )
        )
        hint = (
            "Maven Central (https://repo.maven.apache.org) looks unreachable: check the network, "
            "a proxy, or a mirror in ~/.m2/settings.xml."
            if unreachable
            else "See Maven's output above."
        )
        raise Neo4jServerError(
            f"Maven failed (exit {done.returncode}) fetching {pom.name} into {output_dir}:\n"
            f"{tail}\n{hint}"
        )


def _useful(line: str) -> bool:
    """Drop Maven's blank lines and its generic "re-run with -e / -X" boilerplate."""
    text = line.removeprefix("[ERROR]").strip()
    return bool(text) and not text.startswith(
        ("To see the full stack trace", "Re-run Maven", "For more information", "[Help 1] http")
    )


def _artifact(jar: str) -> str:
    """`commons-lang3-3.14.0.jar` -> `commons-lang3` (Maven names jars artifact-version.jar)."""
    match = _JAR_RE.match(jar)
    return match.group("artifact") if match else jar.removesuffix(".jar")


def _drop_duplicates(lib: Path, plugins: Path) -> list[str]:
    """Remove plugin jars whose artifact is already in lib: two copies break start-up."""
    in_lib = {_artifact(p.name) for p in lib.glob("*.jar")}
    removed = []
    for jar in sorted(plugins.glob("*.jar")):
        if _artifact(jar.name) in in_lib:
            jar.unlink()
            removed.append(jar.name)
    return removed


def _check_complete(settings: Settings, root: Path) -> None:
    """Refuse to mark an install complete that lacks the jars start-up depends on."""
    version = settings.neo4j_version
    required = {
        root / "lib" / f"neo4j-{version}.jar": "the Neo4j server",
        root / "lib" / f"neo4j-browser-{settings.neo4j_browser_version}.jar": "Neo4j Browser",
        root / "plugins" / f"apoc-core-{version}.jar": "APOC Core",
        root / "plugins" / f"apoc-common-{version}.jar": "APOC Common",
    }
    missing = [f"{what} ({path.name})" for path, what in required.items() if not path.is_file()]
    if missing:
        raise Neo4jServerError(
            f"Maven finished but {', '.join(missing)} is missing under {root}; "
            f"is {version} a released Neo4j version with a matching APOC?"
        )


def _jars(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.jar")) if folder.is_dir() else []


def _info(settings: Settings, *, downloaded: bool, seconds: float, size: int) -> InstallInfo:
    root = install_root(settings)
    count = len(_jars(root / "lib")) + len(_jars(root / "plugins"))
    return InstallInfo(
        version=settings.neo4j_version,
        browser_version=settings.neo4j_browser_version,
        root=root,
        lib_dir=root / "lib",
        plugins_dir=root / "plugins",
        jar_count=count,
        size_bytes=size,
        downloaded=downloaded,
        seconds=seconds,
    )


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive advisory lock, released on exit and by the OS if the process dies."""
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
