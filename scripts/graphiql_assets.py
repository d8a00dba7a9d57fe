"""Fetch GraphiQL's JS/CSS from the npm registry so /graphql works without internet.

Takes the exact files and versions the installed strawberry's GraphiQL page loads from its CDN
(react, react-dom, js-cookie, graphiql, @graphiql/plugin-explorer), `npm pack`s those package
versions, checks each file against the page's integrity hash and puts it under the assets folder
(`MARKETGRAPH_GRAPHIQL_ASSETS_DIR`, default `.marketgraph/graphiql/`). Quick and quiet when the
files are already there. Exit code 1 when npm is missing or a fetch fails (the app then serves
the CDN page). Usage: `.venv/bin/python scripts/graphiql_assets.py [--dir DIR]`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from api.graphql.graphiql import Asset, assets_dir, missing_assets
from graph.settings import get_settings


def fetch(assets: list[Asset], folder: Path, npm: str) -> None:
    """`npm pack` each package version once and copy its files into `folder`, verified."""
    specs = sorted({a.spec for a in assets})
    with tempfile.TemporaryDirectory(prefix="graphiql-assets-") as tmp:
        done = subprocess.run(
            [npm, "pack", "--json", "--silent", "--pack-destination", tmp, *specs],
            capture_output=True,
            text=True,
            cwd=tmp,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"npm pack {' '.join(specs)} failed:\n{done.stderr.strip()}")
        tarballs = {
            f"{p['name']}@{p['version']}": Path(tmp) / p["filename"]
            for p in json.loads(done.stdout)
        }
        for asset in assets:
            with tarfile.open(tarballs[asset.spec]) as tar:
                member = tar.extractfile(f"package/{asset.path}")
                if member is None:
                    raise RuntimeError(f"{asset.spec} has no file {asset.path}")
                data = member.read()
            if not asset.verify(data):
                raise RuntimeError(f"{asset.relative} does not match the page's {asset.integrity}")
            target = folder / asset.relative
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".part")
            partial.write_bytes(data)
            partial.replace(target)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, help="assets folder (default: from the settings)")
    args = parser.parse_args()
    folder = (args.dir or assets_dir(get_settings())).resolve()
    missing = missing_assets(folder)
    if not missing:
        print(f"GraphiQL assets: present in {folder}")
        return 0
    npm = shutil.which("npm")
    if npm is None:
        print(
            "GraphiQL assets: npm not found, so GraphiQL will load its files from the CDN "
            "(install Node.js/npm and re-run scripts/graphiql_assets.py for offline GraphiQL)",
            file=sys.stderr,
        )
        return 1
    try:
        fetch(missing, folder, npm)
    except (RuntimeError, OSError, KeyError, tarfile.TarError, json.JSONDecodeError) as exc:
        print(f"GraphiQL assets: {exc}", file=sys.stderr)
        return 1
    print(f"GraphiQL assets: fetched {len(missing)} files from the npm registry into {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
