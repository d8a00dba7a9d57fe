"""GraphiQL that works without internet: strawberry's page with its CDN files served locally.

Why: strawberry's GraphiQL page (strawberry/static/graphiql.html) loads React, GraphiQL, the
explorer plugin and js-cookie from unpkg.com, so on an air-gapped machine /graphql shows a blank
page. `scripts/graphiql_assets.py` fetches exactly the files that page names, at the versions it
names, from the npm registry into `Settings.graphiql_assets_dir` (default `<state>/graphiql`,
laid out as `<package>@<version>/<path>` like the CDN). When every file is there the app serves
the folder under `/graphiql-assets/` and rewrites the page to use it; the page's Subresource
Integrity hashes stay, because the npm tarballs hold the same bytes as the CDN, so the browser
checks the local files too. When a file is missing the CDN page is served, with a warning.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from strawberry.http.ides import get_graphql_ide_html

from graph.settings import Settings

log = logging.getLogger(__name__)

CDN = "https://unpkg.com/"
MOUNT = "/graphiql-assets"

_TAG = re.compile(r"<(?:script|link)\b[^>]*>", re.DOTALL)
_URL = re.compile(
    r'(?:src|href)="https://unpkg\.com/'
    r'(?P<package>(?:@[^/"@]+/)?[^/"@]+)@(?P<version>[^/"]+)/(?P<path>[^"]+)"'
)
_INTEGRITY = re.compile(r'integrity="(?P<algorithm>sha256|sha384|sha512)-(?P<digest>[^"]+)"')


@dataclass(frozen=True)
class Asset:
    """One file the GraphiQL page loads from the CDN."""

    package: str
    version: str
    path: str
    integrity: str | None  # "sha384-<base64>" as in the page, or None when it gives none

    @property
    def spec(self) -> str:
        """What `npm pack` is asked for, e.g. `@graphiql/plugin-explorer@1.0.2`."""
        return f"{self.package}@{self.version}"

    @property
    def relative(self) -> str:
        """Where the file lives under the assets folder (and the CDN root)."""
        return f"{self.spec}/{self.path}"

    def verify(self, data: bytes) -> bool:
        """True when `data` matches the page's integrity hash (or the page gives none)."""
        if self.integrity is None:
            return True
        algorithm, _, expected = self.integrity.partition("-")
        actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
        return actual == expected


def strawberry_page() -> str:
    """The GraphiQL page of the installed strawberry, CDN URLs and all."""
    return get_graphql_ide_html("graphiql")


def cdn_assets(page: str | None = None) -> list[Asset]:
    """Every CDN file the page loads, in page order."""
    assets = []
    for tag in _TAG.finditer(page if page is not None else strawberry_page()):
        url = _URL.search(tag.group())
        if url is None:
            continue
        sri = _INTEGRITY.search(tag.group())
        integrity = f"{sri['algorithm']}-{sri['digest']}" if sri else None
        assets.append(Asset(url["package"], url["version"], url["path"], integrity))
    return assets


def assets_dir(settings: Settings) -> Path:
    """The local copy's folder: the setting, or `<state>/graphiql`."""
    return settings.graphiql_assets_dir or settings.state_dir / "graphiql"


def missing_assets(folder: Path, page: str | None = None) -> list[Asset]:
    """The page's files that `folder` does not hold (all of them when it does not exist)."""
    return [a for a in cdn_assets(page) if not (folder / a.relative).is_file()]


def offline_page(page: str | None = None, prefix: str = MOUNT) -> str:
    """The page with every CDN URL pointing at `prefix` on this server instead."""
    return (page if page is not None else strawberry_page()).replace(CDN, prefix.rstrip("/") + "/")


def graphiql_page(app: FastAPI, settings: Settings) -> str:
    """Mount the local assets on `app` when complete and return the page to serve.

    Falls back to strawberry's CDN page (and logs why) when the folder is incomplete.
    """
    folder = assets_dir(settings)
    page = strawberry_page()
    missing = missing_assets(folder, page)
    if not page or not cdn_assets(page):
        log.warning("strawberry's GraphiQL page names no CDN files; serving it unchanged")
        return page
    if missing:
        log.warning(
            "GraphiQL assets missing in %s (%s); GraphiQL will load them from %s, which needs "
            "internet. Run `python scripts/graphiql_assets.py` (needs npm) to serve them locally.",
            folder,
            ", ".join(a.relative for a in missing),
            CDN,
        )
        return page
    app.mount(MOUNT, StaticFiles(directory=folder), name="graphiql-assets")
    return offline_page(page)
