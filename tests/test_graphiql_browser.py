"""GraphiQL in a real headless browser, offline: Debian's Chromium opens /graphql on a real
uvicorn server, GraphiQL loads from this server's own copy of its JS/CSS (no CDN), runs a query
with an API key from its headers editor, and shows the count Neo4j holds.

Chromium's resolver maps every host name to NOTFOUND, and the DevTools network log must name
only this server, so a page that still reached for a CDN fails here. Without chromium,
chromedriver, selenium or the fetched assets the browser test skips locally, but fails in CI.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.graphql.app import create_app
from api.graphql.graphiql import (
    MOUNT,
    assets_dir,
    cdn_assets,
    graphiql_page,
    missing_assets,
    offline_page,
    strawberry_page,
)
from graph.db import Database
from graph.settings import Settings
from tests.api_helpers import KEYS, api_settings, load_demo

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
QUERY = "{ products(first: 1) { totalCount } }"


def need(ok: bool, reason: str) -> None:
    """Skip when a local prerequisite is missing; in CI (CI=true) that is a failure."""
    if not ok:
        if IN_CI:
            pytest.fail(f"{reason} (CI=true, so this is a failure, not a skip)")
        pytest.skip(reason)


# --- the page and the assets folder, no browser ---------------------------------------------


def test_strawberry_page_names_its_cdn_files_with_integrity() -> None:
    assets = cdn_assets()
    packages = {a.package for a in assets}
    assert {"react", "react-dom", "graphiql", "@graphiql/plugin-explorer"} <= packages
    assert all(a.integrity and a.integrity.startswith("sha") for a in assets)
    page = offline_page()
    assert "unpkg.com" not in page
    assert all(f'"{MOUNT}/{a.relative}"' in page for a in assets)


def test_incomplete_folder_falls_back_to_cdn_then_complete_folder_is_served(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "graphiql"
    settings = Settings(state_dir=tmp_path, graphiql_assets_dir=folder)
    with caplog.at_level(logging.WARNING, logger="api.graphql.graphiql"):
        assert graphiql_page(FastAPI(), settings) == strawberry_page()
    assert "GraphiQL assets missing" in caplog.text

    for asset in cdn_assets():
        (folder / asset.relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / asset.relative).write_text(f"/* {asset.spec} */")
    app = FastAPI()
    assert graphiql_page(app, settings) == offline_page()
    first = cdn_assets()[0]
    response = TestClient(app).get(f"{MOUNT}/{first.relative}")
    assert response.status_code == 200
    assert response.text == f"/* {first.spec} */"


# --- the real thing: a server, Neo4j and Chromium ---------------------------------------------


@pytest.fixture(scope="module")
def project_assets() -> Path:
    """The folder scripts/setup.sh fills (the test never fetches: no network at run time)."""
    folder = assets_dir(Settings())
    missing = missing_assets(folder)
    need(
        not missing,
        f"GraphiQL assets missing in {folder} ({len(missing)} files): run scripts/setup.sh "
        "or `.venv/bin/python scripts/graphiql_assets.py` (needs npm)",
    )
    return folder


@pytest.fixture(scope="module")
def server(project_assets: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A real uvicorn on a free loopback port serving the app over the demo graph.

    Neo4j is asked for only here, so a missing prerequisite skips before it starts.
    """
    db: Database = request.getfixturevalue("db")
    settings: Settings = request.getfixturevalue("settings")
    load_demo(db, settings, request.getfixturevalue("demo_dir"))
    app = create_app(api_settings(settings, graphiql_assets_dir=project_assets))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    uv = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not uv.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        uv.should_exit = True
        thread.join(timeout=30)
        sock.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Headless Debian Chromium that cannot resolve any host name (offline by construction)."""
    need(Path(CHROMIUM).is_file(), f"no Chromium at {CHROMIUM}: apt-get install chromium")
    need(
        Path(CHROMEDRIVER).is_file(),
        f"no chromedriver at {CHROMEDRIVER}: apt-get install chromium-driver",
    )
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        need(False, "selenium is not installed: pip install -e '.[dev]'")
        raise
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,900",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


RESULT_JS = """
const editor = document.querySelector('.result-window .CodeMirror');
return editor && editor.CodeMirror ? editor.CodeMirror.getValue() : null;
"""


def requested_urls(driver: Any) -> list[str]:
    """Every URL the page asked for, from Chromium's DevTools network log."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def test_graphiql_loads_offline_and_runs_a_query(
    browser: Any, server: str, request: pytest.FixtureRequest
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    db: Database = request.getfixturevalue("db")
    expected = int(db.query("MATCH (n:Product) RETURN count(n) AS n")[0]["n"])
    assert expected > 0
    headers = json.dumps({"X-API-Key": KEYS["viewer"]})
    params = urlencode({"q": QUERY, "headers": headers}, quote_via=quote)
    requested_urls(browser)  # drain what Chromium's own start-up pages asked for
    browser.get(f"{server}/graphql?{params}")

    wait = WebDriverWait(browser, 60)
    run = wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".graphiql-execute-button"))
    run[0].click()
    shown = wait.until(lambda d: (d.execute_script(RESULT_JS) or "").strip() or None)
    assert json.loads(shown) == {"data": {"products": {"totalCount": expected}}}

    urls = requested_urls(browser)
    assert any(u.endswith("/graphiql.min.js") for u in urls), urls
    network = [u for u in urls if u.startswith(("http:", "https:", "ws:", "wss:"))]
    foreign = [u for u in network if not u.startswith(server)]
    assert foreign == [], f"GraphiQL reached beyond this server: {foreign}"
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], errors
